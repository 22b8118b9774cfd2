"""Printing a PDF on a ``QPrinter``: which pages the print dialog asked for, and how they
reach the printer.

- ``pages_to_print``: the pages (range, current page, reverse order, copies the printer cannot
  make itself) in printing order.
- ``prints_whole_file``: "Imprimer dans un fichier (PDF)" of the whole document, on A4
  portrait, once; ``print_to_file`` then writes the document itself.
- ``PrintJob`` (``print_pdf_bytes``): every other case, page by page, rendered at the
  printer's resolution (capped at 600 dpi) by the PDF renderer's own thread and painted over
  the sheet in bands, from the GUI thread, a few bands per turn of its event loop.

``pages_to_print`` and ``prints_whole_file`` only read the printer the dialog set up;
``print_to_file`` (plain Python) runs on a worker thread of the task helper
(``desktop.ui.tasks``). Nothing here touches a widget.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QEventLoop,
    QIODevice,
    QObject,
    QRect,
    QSize,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions, QPdfPageRenderer
from PySide6.QtPrintSupport import QPrinter

from desktop.core.errors import ComptoirError, InvalidInput, StorageError

log = logging.getLogger(__name__)

MAX_PRINT_DPI = 600
# Pixels painted on the printer per call: a band of about 15 ms. The window's events are
# handled between two turns of bands, so it repaints while a page is being sent.
PRINT_BAND_PIXELS = 1_000_000
BAND_TURN_SECONDS = 0.012  # bands painted in one turn of the event loop, at most about this
RENDER_TIMEOUT_MS = 60_000  # one page; beyond, the print stops with a message


def pages_to_print(printer: Any, count: int, current: int = 0) -> list[int]:
    """The pages (0-based, in printing order) that the print dialog asked for.

    "De ... à ..." (or a Windows page list) selects pages, "Page courante" the one ``current``
    shows, "Ordre inverse" reverses them (Qt leaves the page order to the application); with
    several copies on a printer that cannot make them itself (a PDF file), the list repeats
    them, collated or not as asked. Raises ``InvalidInput`` with a French message when the
    chosen range holds none of the document's ``count`` pages.
    """
    chosen = list(range(count))
    kind = printer.printRange()
    if kind == QPrinter.PrintRange.PageRange:
        ranges = printer.pageRanges()
        if not ranges.isEmpty():
            chosen = [page for page in chosen if ranges.contains(page + 1)]
            if not chosen:
                raise InvalidInput(
                    f"Les pages demandées ({ranges.toString().replace('-', ' à ')}) n'existent pas : "
                    f"le document compte {count} page{'s' if count > 1 else ''}. "
                    f"Choisissez des pages entre 1 et {count}."
                )
    elif kind == QPrinter.PrintRange.CurrentPage and chosen:
        chosen = [min(max(current, 0), count - 1)]
    if printer.pageOrder() == QPrinter.PageOrder.LastPageFirst:
        chosen.reverse()
    copies = 1 if printer.supportsMultipleCopies() else max(1, printer.copyCount())
    if copies > 1:
        if printer.collateCopies():
            chosen = chosen * copies
        else:
            chosen = [page for page in chosen for _ in range(copies)]
    return chosen


def prints_whole_file(printer: Any, count: int, chosen: list[int]) -> bool:
    """True when the printer is "Imprimer dans un fichier (PDF)" asked for the whole
    document once, on A4 portrait: the PDF itself is then the best possible print."""
    layout = printer.pageLayout()
    return (
        printer.outputFormat() == QPrinter.OutputFormat.PdfFormat
        and bool(printer.outputFileName())
        and chosen == list(range(count))
        and layout.pageSize().id() == QPageSize.PageSizeId.A4
        and layout.orientation() == QPageLayout.Orientation.Portrait
    )


class PrintJob(QObject):
    """Sends ``pages`` of a PDF (0-based, in order, repeats allowed; every page by default) to
    ``printer``, from the thread it lives in (the GUI thread), without freezing it.

    Each page is rendered by the PDF renderer's own thread at the printer's resolution divided
    by the smallest whole factor that brings it to ``max_dpi`` or less, then drawn over the
    whole sheet (the PDF carries its own margins) in horizontal bands, a few per turn of the
    event loop. Every image pixel covers exactly factor x factor printer dots, so the bands
    join without a seam.

    No other Python thread is involved. Printing used to run on a worker, which had to
    connect, disconnect and destroy Qt objects: Qt does that under locks shared by every
    object, and the binding needs the interpreter inside them, so a worker holding the
    interpreter and the window's thread deleting a widget could each wait for the other for
    good (seen twice under random use, with different objects each time).

    ``progressed((page, pages))`` before each page is sent, then ``done(sheets)`` or
    ``failed(error)`` (French message), once. A job outlives whatever started it (a preview
    closed while it prints): it ends when its last page is sent.
    """

    progressed = Signal(object)
    done = Signal(int)
    failed = Signal(object)

    _running: set[PrintJob] = set()  # kept alive until they end, whoever started them

    def __init__(
        self,
        data: bytes,
        printer: Any,
        pages: Sequence[int] | None = None,
        *,
        max_dpi: int = MAX_PRINT_DPI,
    ) -> None:
        super().__init__()
        self._data = data
        self._printer = printer
        self._pages = pages
        self._max_dpi = max_dpi
        self._buffer = QBuffer(self)
        self._document = QPdfDocument(self)
        self._renderer = QPdfPageRenderer(self)
        self._renderer.setRenderMode(QPdfPageRenderer.RenderMode.MultiThreaded)
        self._renderer.pageRendered.connect(self._rendered)
        self._patience = QTimer(self)  # never wait forever on a page
        self._patience.setSingleShot(True)
        self._patience.timeout.connect(self._never_rendered)
        self._turn = QTimer(self)  # the next bands, once the window has had its turn
        self._turn.setSingleShot(True)
        self._turn.timeout.connect(self._paint_bands)
        self._painter = QPainter()
        self._sheets: list[int] = []
        self._number = 0  # sheets sent so far
        self._request = -1
        self._image: QImage | None = None
        self._place = QRect()  # where the page goes on the sheet, in printer dots
        self._factor = 1
        self._row = 0  # next image row to paint
        self.ended = False
        # told how the print ended, besides the signals, once whoever started it is gone:
        # (French text, succeeded)
        self.report_elsewhere: Callable[[str, bool], None] | None = None

    @classmethod
    def running(cls) -> int:
        """How many jobs are still sending pages."""
        return sum(1 for job in cls._running if not job.ended)

    def start(self) -> None:
        """Begin; whatever goes wrong, even at once, comes as ``failed`` from the event loop."""
        PrintJob._running.add(self)
        QTimer.singleShot(0, self, self._guarded(self._begin))

    def _guarded(self, step: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            if self.ended:
                return
            try:
                step()
            except Exception as error:  # said in French by whoever listens
                self._end(error)

        return run

    def _begin(self) -> None:
        self._buffer.setData(QByteArray(self._data))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._document.load(self._buffer)
        if self._document.status() != QPdfDocument.Status.Ready:
            raise StorageError("Le document n'a pas pu être relu pour l'impression. Réessayez l'aperçu.")
        count = self._document.pageCount()
        pages = range(count) if self._pages is None else self._pages
        self._sheets = [page for page in pages if 0 <= page < count]
        if not self._sheets:
            self._end(None)
            return
        printer = self._printer
        printer.setFullPage(True)
        if printer.outputFileName():  # « Imprimer dans un fichier »: a missing folder, said as such
            from desktop.store.files import check_target

            check_target(printer.outputFileName())
        if not self._painter.begin(printer):
            raise StorageError("L'imprimante n'a pas pu démarrer l'impression (vérifiez qu'elle est disponible).")
        self._factor = -(-max(72, int(printer.resolution())) // self._max_dpi)  # ceiling division
        self._renderer.setDocument(self._document)
        self._next_page()

    def _next_page(self) -> None:
        if self._number == len(self._sheets):
            self._end(None)
            return
        index = self._sheets[self._number]
        self.progressed.emit((self._number + 1, len(self._sheets)))
        if self._number:
            self._printer.newPage()
        sheet = self._painter.viewport()
        size = self._document.pagePointSize(index)
        dots_per_point = min(sheet.width() / size.width(), sheet.height() / size.height())
        width = max(1, int(size.width() * dots_per_point))
        height = max(1, int(size.height() * dots_per_point))
        self._place = QRect(
            sheet.x() + (sheet.width() - width) // 2, sheet.y() + (sheet.height() - height) // 2, width, height
        )
        factor = self._factor
        self._image, self._row = None, 0
        self._request = self._renderer.requestPage(index, QSize(-(-width // factor), -(-height // factor)))
        self._patience.start(RENDER_TIMEOUT_MS)

    @Slot(int, QSize, QImage, QPdfDocumentRenderOptions, int)
    def _rendered(self, page: int, size: QSize, image: QImage, options: object, request: int) -> None:
        if self.ended or request != self._request or self._image is not None:
            return
        self._patience.stop()
        if image.isNull():
            self._end(StorageError("Une page n'a pas pu être préparée pour l'impression. Réessayez."))
            return
        self._image = image
        self._turn.start(0)

    def _never_rendered(self) -> None:
        if not self.ended:
            self._end(StorageError("Une page n'a pas pu être préparée pour l'impression. Réessayez."))

    def _paint_bands(self) -> None:
        self._guarded(self._paint_some)()

    def _paint_some(self) -> None:
        image = self._image
        if image is None:
            return
        factor, place = self._factor, self._place
        rows = max(1, PRINT_BAND_PIXELS // image.width())
        deadline = time.perf_counter() + BAND_TURN_SECONDS
        while self._row < image.height():
            y = self._row
            band = min(rows, image.height() - y)
            self._painter.drawImage(
                QRect(place.x(), place.y() + y * factor, image.width() * factor, band * factor),
                image,
                QRect(0, y, image.width(), band),
            )
            self._row += band
            if time.perf_counter() >= deadline:
                break
        if self._row < image.height():
            self._turn.start(0)  # the window repaints, then the next bands
            return
        self._image = None  # about 140 MB at 600 dpi: gone before the next page is rendered
        self._number += 1
        self._next_page()

    def _end(self, error: BaseException | None) -> None:
        if self.ended:
            return
        self.ended = True
        self._patience.stop()
        self._turn.stop()
        self._image = None
        if self._painter.isActive():
            self._painter.end()
        self._renderer.setDocument(None)  # type: ignore[arg-type]  # Qt takes none: detaches it
        self._document.close()
        self._buffer.close()
        # let go on the next turn of the loop, not while one of its own signals is being sent
        QTimer.singleShot(0, functools.partial(PrintJob._running.discard, self))
        if error is None:
            self.done.emit(len(self._sheets))
        else:
            self.failed.emit(error)
        if self.report_elsewhere is not None:
            self.report_elsewhere(*outcome_text(len(self._sheets), error))


def outcome_text(sheets: int, error: BaseException | None) -> tuple[str, bool]:
    """How a print ended, for someone who no longer sees the preview: (text, succeeded)."""
    if error is None:
        plural = "s" if sheets > 1 else ""
        return f"Impression terminée : {sheets} page{plural} envoyée{plural} à l'imprimante.", True
    if isinstance(error, ComptoirError):
        return f"Impression interrompue : {error}", False
    log.error("impression interrompue", exc_info=(type(error), error, error.__traceback__))
    return "Impression interrompue par une erreur inattendue. Les détails sont dans le journal.", False


def print_pdf_bytes(
    data: bytes,
    printer: Any,
    pages: Sequence[int] | None = None,
    *,
    max_dpi: int = MAX_PRINT_DPI,
    progress: Callable[[tuple[int, int]], object] | None = None,
) -> PrintJob:
    """Start printing ``pages`` of ``data`` on ``printer`` (see ``PrintJob``); the job."""
    job = PrintJob(data, printer, pages, max_dpi=max_dpi)
    if progress is not None:
        job.progressed.connect(progress)
    job.start()
    return job


def wait_for_print_jobs(msecs: int) -> bool:
    """Let running print jobs finish (the application closing): True when none is left."""
    deadline = time.monotonic() + msecs / 1000
    while PrintJob.running() and time.monotonic() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.001)
    return not PrintJob.running()


def print_to_file(data: bytes, path: str, pages: int) -> int:
    """The worker side of "Imprimer dans un fichier" for the whole document: the PDF itself
    (vector text, exact colours, a small file), written atomically under the name the print
    dialog gave. Returns ``pages``."""
    from desktop.store.files import write_atomically

    write_atomically(path, data, what="le fichier PDF")
    return pages
