"""PDF preview inside the application: QPdfDocument + QPdfView, print, save as, open outside.

``PdfPreview`` shows PDF bytes. The bytes are produced off the GUI thread (``load_async``
runs the renderer through the task helper, ``desktop.ui.tasks.TaskRunner``) and loaded from
memory through a ``QBuffer``. Its actions:

- "Imprimer…": the system print dialog (bounded to the document's pages, "Page courante"
  offered), then the chosen pages go to the printer a few bands at a time between the
  window's events (``desktop.ui.printing``: the window keeps answering; the status line says
  which page is being sent);
- "Enregistrer en PDF…": a save dialog, then the very bytes that are shown (atomic write);
- "Ouvrir dans le lecteur PDF": the bytes in a temporary file, opened with
  ``QDesktopServices.openUrl``.

Every dialog (save, print setup) and the external opener go through ``PreviewDialogs``, which
tests replace: no test ever blocks on a modal window. On the offscreen platform the real
print dialog is never shown (it would wait for a click nobody can give).
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QFont,
    QGuiApplication,
    QKeySequence,
    QPageSize,
)
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QDialog, QLabel, QToolBar, QVBoxLayout, QWidget

from desktop.core.errors import ComptoirError
from desktop.ui.help_dialogs import PREVIEW_KEYS
from desktop.ui.room import fit
from desktop.ui.tones import Tone, set_tone

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrintDialog

log = logging.getLogger(__name__)

PDF_FILTER = "Documents PDF (*.pdf)"
# « Ouvrir dans le lecteur PDF » hands the reader a copy in a folder of its own; those left by
# earlier days go at the next opening (the temporary folder is not emptied on its own on Windows)
READER_COPY_PREFIX = "comptoir-apercu-"
READER_COPY_KEPT_S = 12 * 3600


def _offscreen() -> bool:
    return QGuiApplication.platformName() in ("offscreen", "minimal")


class PreviewDialogs:
    """The real dialogs of the preview. Tests pass an object with the same three methods.

    ``dialogs`` (optional) is the application's ``desktop.ui.dialogs.Dialogs``: its
    ``save_file`` is used so every save question looks the same; a ``print_setup`` or
    ``open_external`` it may have wins over the defaults here.
    """

    def __init__(self, dialogs: Any = None) -> None:
        self._dialogs = dialogs

    def save_file(self, parent: QWidget | None, title: str, suggested: str, filters: str) -> str | None:
        if self._dialogs is not None and hasattr(self._dialogs, "save_file"):
            answer: str | None = self._dialogs.save_file(parent, title, suggested, filters)
            return answer
        from desktop.ui.dialogs import Dialogs

        return Dialogs().save_file(parent, title, suggested, filters)  # where the last file went

    def print_setup(self, parent: QWidget | None, printer: Any) -> bool:
        custom = getattr(self._dialogs, "print_setup", None)
        if custom is not None:
            return bool(custom(parent, printer))
        if _offscreen():
            log.warning("dialogue d'impression non affiché (plateforme %s)", QGuiApplication.platformName())
            return False
        return print_dialog(printer, parent).exec() == QDialog.DialogCode.Accepted

    def open_external(self, path: Path) -> bool:
        custom = getattr(self._dialogs, "open_external", None)
        if custom is not None:
            return bool(custom(path))
        from desktop.paths import system_environment

        with system_environment():  # the reader is the system's: not the build's libraries
            return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def print_dialog(printer: Any, parent: QWidget | None) -> QPrintDialog:
    """Qt's print dialog for ``printer``, in French, its page range within the document."""
    from PySide6.QtPrintSupport import QPrintDialog
    from PySide6.QtWidgets import QToolButton

    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Imprimer")
    pages = getattr(parent, "page_count", 0)
    if pages > 0:  # the "De ... à ..." boxes stay within the document
        dialog.setMinMax(1, pages)
        dialog.setOption(QPrintDialog.PrintDialogOption.PrintCurrentPage, True)
    browse = dialog.findChild(QToolButton, "fileBrowser")  # Qt's own dialog (Linux): « … »
    if browse is not None:
        browse.setAccessibleName("Choisir le fichier")
    return dialog


# a member's name of 90 characters made a suggested name of 130: in a folder already deep,
# past the 260 characters of a path Windows programs still refuse
MAX_FILE_STEM = 80


def reader_copy_folder() -> Path:
    """A new folder for the copy a PDF reader opens; the copies of earlier days are removed
    (one a reader still holds open stays: Windows refuses, and it goes another time)."""
    too_old = time.time() - READER_COPY_KEPT_S
    for old in Path(tempfile.gettempdir()).glob(f"{READER_COPY_PREFIX}*"):
        try:
            if old.is_dir() and old.stat().st_mtime < too_old:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:
            continue
    return Path(tempfile.mkdtemp(prefix=READER_COPY_PREFIX))


def safe_file_name(name: str) -> str:
    """'OFF-2026-LAP1-0001.pdf'; anything a file system dislikes becomes '-'; a long name is
    cut, its end (a date, a number) kept."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "-", name).strip(" .") or "document"
    stem = cleaned[:-4] if cleaned.lower().endswith(".pdf") else cleaned
    if len(stem) > MAX_FILE_STEM:
        head, _, tail = stem.rpartition(" ")
        tail = tail if head and len(tail) <= 20 else ""
        stem = (stem[: MAX_FILE_STEM - len(tail) - 2].rstrip(" .-") + "… " + tail).rstrip()
    return stem + ".pdf"


def write_pdf(path: str | Path, data: bytes) -> Path:
    """Write atomically: a half-written file never replaces a good one."""
    from desktop.store.files import write_atomically

    out = Path(path)
    if out.suffix.lower() != ".pdf":
        out = out.with_name(out.name + ".pdf")
    return write_atomically(out, data, what="le fichier PDF")


class PdfPreview(QWidget):
    """Shows PDF bytes; prints them, saves them, opens them in the system's PDF reader."""

    loaded = Signal(int)  # page count, once the document is ready
    failed = Signal(str)  # French message
    printed = Signal(int)
    saved = Signal(str)
    opened = Signal(str)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        dialogs: Any = None,
        suggested_name: str = "document.pdf",
        temp_dir: Path | None = None,
    ) -> None:
        super().__init__(parent)
        if not (isinstance(dialogs, PreviewDialogs) or _has_preview_api(dialogs)):
            dialogs = PreviewDialogs(dialogs)
        self.dialogs = dialogs
        self.suggested_name = safe_file_name(suggested_name)
        self._temp_dir = temp_dir
        self._pdf: bytes | None = None
        self._buffer: QBuffer | None = None
        self._task: Any = None
        self._runner: Any = None
        self._print_file: str | None = None  # "Imprimer dans un fichier": the file's name
        self._job: Any = None  # the print going on (``printing.PrintJob``, or a file's task)
        # told how a print ends once this preview is closed: (French text, succeeded)
        self.notify: Callable[[str, bool], None] | None = None
        self._then: list[Callable[[], object]] = []
        self._announced = False  # « loaded » said for the bytes shown (Qt may say Ready twice)

        self.document = QPdfDocument(self)
        self.document.statusChanged.connect(self._on_status)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setAccessibleName("Pages du document")
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.status = QLabel("", self)
        self.status.setObjectName("previewStatus")

        self.toolbar = QToolBar("Aperçu", self)
        self.print_action, self.save_action, self.open_action = (
            QAction(text, self, shortcut=QKeySequence(keys)) for text, keys in PREVIEW_KEYS
        )
        self.print_action.triggered.connect(self.print_pdf)
        self.save_action.triggered.connect(self.save_as)
        self.open_action.triggered.connect(self.open_external)
        for a in (self.print_action, self.save_action, self.open_action):
            self.toolbar.addAction(a)
            a.setEnabled(False)
            # the tool bar is not in the Tab order: its keys are said where the mouse looks
            a.setToolTip(f"{a.text().rstrip('…')} ({a.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})")
        self.status.setContentsMargins(8, 2, 8, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.status)
        layout.addWidget(self.view, 1)

    # -- loading ---------------------------------------------------------------------------
    @property
    def pdf(self) -> bytes | None:
        return self._pdf

    @property
    def ready(self) -> bool:
        return self._pdf is not None and self.document.status() == QPdfDocument.Status.Ready

    @property
    def preparing(self) -> bool:
        """Its document is still being made, its window open."""
        return self._task is not None and not getattr(self._task, "done", True) and self.window().isVisible()

    def load_async(self, make: Callable[[], bytes], runner: Any) -> Any:
        """Run ``make`` (the renderer) on the task helper, then show its bytes."""
        self._set_actions(False)
        self._say("Préparation du document…")
        if self._task is not None and not getattr(self._task, "done", True):
            self._task.cancel()
        self._runner = runner
        self._task = runner.run(make, on_result=self.set_pdf, on_error=self._on_error, name="aperçu PDF")
        return self._task

    def set_pdf(self, data: bytes) -> None:
        """Show ``data`` (PDF bytes) now. Loaded from memory through a QBuffer."""
        if not isinstance(data, bytes | bytearray) or not bytes(data).startswith(b"%PDF"):
            self._on_error(ValueError("le rendu n'a pas produit de PDF"))
            return
        self._pdf = bytes(data)
        self._announced = False
        self.document.close()
        buffer = QBuffer(self)
        buffer.setData(QByteArray(self._pdf))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        old, self._buffer = self._buffer, buffer  # the document reads from it: keep it alive
        self.document.load(buffer)
        if old is not None:
            old.close()
            old.deleteLater()
        if self.document.status() in (QPdfDocument.Status.Ready, QPdfDocument.Status.Error):
            self._on_status(self.document.status())

    def _on_status(self, status: QPdfDocument.Status) -> None:
        if status == QPdfDocument.Status.Ready and self._pdf is not None:
            if self._announced:  # a second Ready would wipe what a save or print then said
                return
            self._announced = True
            pages = self.document.pageCount()
            self._say(f"{pages} page{'s' if pages > 1 else ''}")
            self._set_actions(True)
            self.loaded.emit(pages)
            pending, self._then = self._then, []
            for step in pending:
                step()
        elif status == QPdfDocument.Status.Error:
            self._on_error(ValueError(f"document illisible ({self.document.error().name})"))

    def _on_error(self, error: BaseException) -> None:
        """The document could not be made or read: nothing to print or save."""
        message = self._message_for(error)
        self._say(message, problem=True)
        self._set_actions(False)
        self._then = []
        self.failed.emit(message)

    def _action_failed(self, error: BaseException) -> None:
        """A save, print or open went wrong: said in red; the document and its actions stay."""
        message = self._message_for(error)
        self._say(message, problem=True)
        self.failed.emit(message)

    def _say(self, text: str, *, problem: bool = False) -> None:
        self.status.setText(text)
        set_tone(self.status, Tone.ERROR if problem else None)
        font = self.status.font()
        font.setWeight(QFont.Weight.DemiBold if problem else QFont.Weight.Normal)
        self.status.setFont(font)
        self.status.show()

    @staticmethod
    def _message_for(error: BaseException) -> str:
        from desktop.core.errors import ComptoirError

        if isinstance(error, ComptoirError):
            return str(error)
        log.error("aperçu PDF impossible", exc_info=(type(error), error, error.__traceback__))
        return "Le document n'a pas pu être préparé. Les détails sont dans le journal."

    def _set_actions(self, enabled: bool) -> None:
        for a in (self.print_action, self.save_action, self.open_action):
            a.setEnabled(enabled)

    def when_ready(self, step: Callable[[], object]) -> None:
        """Run ``step`` now if the document is shown, else as soon as it is."""
        if self.ready:
            step()
        else:
            self._then.append(step)

    # -- actions ---------------------------------------------------------------------------
    @property
    def printing(self) -> bool:
        return self._job is not None

    @property
    def page_count(self) -> int:
        return self.document.pageCount() if self.ready else 0

    def print_pdf(self) -> bool:
        """System print dialog, then the chosen pages are sent to the printer without freezing
        the window (to a PDF file, the document itself, written off the GUI thread).

        True when printing started; ``printed(sheets)`` follows once every page is sent
        (``failed(message)`` if the printer refuses or the range holds no page).
        """
        if not self.ready or self.printing or self._pdf is None:
            return False
        from PySide6.QtPrintSupport import QPrinter

        from desktop.ui import printing

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(Path(self.suggested_name).stem)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        printer.setFullPage(True)
        if not self.dialogs.print_setup(self, printer):
            return False
        count = self.page_count
        try:
            chosen = printing.pages_to_print(printer, count, self.view.pageNavigator().currentPage())
        except ComptoirError as exc:
            self._on_print_failed(exc)
            return False
        if self._runner is None:
            from desktop.ui.tasks import TaskRunner

            self._runner = TaskRunner(parent=self)
        self.print_action.setEnabled(False)
        self._say("Impression…")
        if printing.prints_whole_file(printer, count, chosen):
            self._print_file = Path(printer.outputFileName()).name
            self._job = self._runner.run(
                printing.print_to_file,
                self._pdf,
                printer.outputFileName(),
                count,
                on_result=self._on_printed,
                on_error=self._on_print_failed,
                name="impression",
            )
            return True
        self._print_file = None
        job = printing.print_pdf_bytes(self._pdf, printer, chosen, progress=self._on_print_progress)
        job.done.connect(self._on_printed)
        job.failed.connect(self._on_print_failed)
        self._job = job
        return True

    def hand_over_print(self) -> None:
        """The preview is being closed while pages are still sent: their outcome goes to
        ``notify`` (the main window's bar), not to a status line nobody sees any more."""
        job, self._job = self._job, None
        notify = self.notify
        if job is None or notify is None:
            return
        from desktop.ui import printing

        if isinstance(job, printing.PrintJob):  # pages painted on the printer
            if not job.ended:
                job.report_elsewhere = notify
        elif not job.done:  # « Imprimer dans un fichier »: a task of the runner, writing it
            job.succeeded.connect(lambda pages: notify(*printing.outcome_text(pages, None)))
            job.failed.connect(lambda error: notify(*printing.outcome_text(0, error)))

    def _on_print_progress(self, where: tuple[int, int]) -> None:
        if self.printing:
            page, pages = where
            self._say(f"Impression : page {page} sur {pages}…")

    def _on_printed(self, sheets: int) -> None:
        self._job = None
        self.print_action.setEnabled(self.ready)
        plural = "s" if sheets > 1 else ""
        if self._print_file:
            self._say(f"{sheets} page{plural} imprimée{plural} dans le fichier {self._print_file}")
        else:
            self._say(f"{sheets} page{plural} envoyée{plural} à l'impression")
        self.printed.emit(sheets)

    def _on_print_failed(self, error: BaseException) -> None:
        self._job = None
        self.print_action.setEnabled(self.ready)
        self._action_failed(error)

    def save_as(self) -> Path | None:
        """Save the shown bytes where the user says. Returns the file written."""
        if self._pdf is None:
            return None
        answer = self.dialogs.save_file(self, "Enregistrer en PDF", self.suggested_name, PDF_FILTER)
        if not answer:
            return None
        try:
            out = write_pdf(answer, self._pdf)
        except ComptoirError as exc:  # French message: folder missing, disk full, read-only...
            self._action_failed(exc)
            return None
        self._say(f"Enregistré : {out}")
        self.saved.emit(str(out))
        return out

    def open_external(self) -> Path | None:
        """Write the bytes to a temporary file and open it with the system's PDF reader."""
        if self._pdf is None:
            return None
        folder = self._temp_dir or reader_copy_folder()
        try:
            path = write_pdf(folder / self.suggested_name, self._pdf)
        except ComptoirError as exc:
            self._action_failed(exc)
            return None
        if not self.dialogs.open_external(path):
            from desktop.core.errors import StorageError

            self._action_failed(
                StorageError(
                    f"Aucun lecteur PDF n'a pu ouvrir le document. Il est enregistré ici : {path}"
                )
            )
            return None
        self.opened.emit(str(path))
        return path


def _has_preview_api(obj: Any) -> bool:
    return obj is not None and all(hasattr(obj, m) for m in ("save_file", "print_setup", "open_external"))


_OPEN_WINDOWS: set[QDialog] = set()


class PreviewWindow(QDialog):
    """A non-modal window around ``PdfPreview`` (what the application opens)."""

    def __init__(self, parent: QWidget | None, preview: PdfPreview, title: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(False)
        self.preview = preview
        preview.setParent(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(preview)
        # A4 proportions, but never taller or wider than the screen (1366 x 768 laptops), its
        # title bar included
        fit(self, 820, 980)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.preview.hand_over_print()  # a print still going on is told elsewhere
        super().closeEvent(event)


def show_preview(
    parent: QWidget | None,
    runner: Any,
    make: Callable[[], bytes],
    *,
    suggested_name: str = "document.pdf",
    dialogs: Any = None,
    then: str = "",
    title: str = "Aperçu",
    notify: Callable[[str, bool], None] | None = None,
) -> PdfPreview:
    """Open a preview window, render ``make`` off the GUI thread, then optionally print/save.

    ``then``: "" (just show), "print" or "save" (once the document is ready). ``notify(text,
    succeeded)`` is told how a print ends if the window is closed before it does.
    """
    preview = PdfPreview(None, dialogs=dialogs, suggested_name=suggested_name)
    preview.notify = notify
    window = PreviewWindow(parent, preview, f"{title} — {Path(preview.suggested_name).stem}")
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    # Without a parent nothing would own the window: keep it until it is closed.
    _OPEN_WINDOWS.add(window)
    window.destroyed.connect(lambda *_: _OPEN_WINDOWS.discard(window))
    if then == "print":
        preview.when_ready(preview.print_pdf)
    elif then == "save":
        preview.when_ready(preview.save_as)
    window.show()
    preview.load_async(make, runner)
    return preview
