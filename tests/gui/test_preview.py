"""The PDF preview: rendered off the GUI thread, shown from memory, printed, saved, opened."""

from __future__ import annotations

import itertools
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, QTimer
from PySide6.QtGui import QKeySequence, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "documents"))

import doc_factories as f
import pdf_inspect as pi

from desktop.core.errors import InvalidInput
from desktop.documents.offer import build_offer_document, render_offer
from desktop.ui import preview as pv
from desktop.ui import printing
from desktop.ui.tones import Tone, tone_of

pytestmark = pytest.mark.gui


def offer_pdf(lines=None) -> bytes:
    doc = build_offer_document(f.quote(lines), f.tariff(), None, number="OFF-2026-LAP1-0001", issued=f.ISSUED)
    return render_offer(doc)


class FakeDialogs:
    """Scripted answers; records what was asked. Never blocks."""

    def __init__(
        self, save_to=None, print_to=None, accept_print=True, open_ok=True, pages=None, copies=1,
        collate=True, paper=None,
    ):
        self.save_to, self.print_to, self.accept_print, self.open_ok = save_to, print_to, accept_print, open_ok
        # what the user picks in the print dialog: (first, last) or "current", copies, paper
        self.pages, self.copies, self.collate, self.paper = pages, copies, collate, paper
        self.asked: list[str] = []
        self.opened: list[Path] = []
        self.printer = None

    def save_file(self, parent, title, suggested, filters):
        self.asked.append(f"save:{suggested}:{filters}")
        return str(self.save_to) if self.save_to else None

    def print_setup(self, parent, printer):
        from PySide6.QtPrintSupport import QPrinter

        self.asked.append("print")
        self.printer = printer
        if self.print_to:
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(self.print_to))
            printer.setResolution(100)
        if self.pages == "current":
            printer.setPrintRange(QPrinter.PrintRange.CurrentPage)
        elif self.pages:
            printer.setPrintRange(QPrinter.PrintRange.PageRange)
            printer.setFromTo(*self.pages)
        printer.setCopyCount(self.copies)
        printer.setCollateCopies(self.collate)
        if self.paper is not None:
            printer.setPageSize(QPageSize(self.paper))
        return self.accept_print

    def open_external(self, path):
        self.opened.append(Path(path))
        return self.open_ok


@pytest.fixture
def loaded(qtbot, runner):
    def load(dialogs, make=None, **kw):
        w = pv.PdfPreview(dialogs=dialogs, suggested_name="OFF-2026-LAP1-0001", **kw)
        qtbot.addWidget(w)
        with qtbot.waitSignal(w.loaded, timeout=10000) as sig:
            w.load_async(make or offer_pdf, runner)
        return w, sig.args[0]

    return load


def test_rendering_runs_off_the_gui_thread_and_loads_from_memory(qtbot, runner) -> None:
    gui = threading.get_ident()
    seen = {}

    def make() -> bytes:
        seen["thread"] = threading.get_ident()
        return offer_pdf()

    w = pv.PdfPreview(dialogs=FakeDialogs())
    qtbot.addWidget(w)
    assert not w.print_action.isEnabled()
    with qtbot.waitSignal(w.loaded, timeout=10000) as sig:
        w.load_async(make, runner)
    assert seen["thread"] != gui
    assert sig.args == [2]
    assert w.document.pageCount() == 2
    assert w.view.document() is w.document
    assert w.print_action.isEnabled() and w.save_action.isEnabled() and w.open_action.isEnabled()
    assert [a.text() for a in w.toolbar.actions()] == [
        "Imprimer…", "Enregistrer en PDF…", "Ouvrir dans le lecteur PDF"
    ]


def test_save_as_writes_the_bytes_shown(loaded, tmp_path) -> None:
    target = tmp_path / "offre"
    d = FakeDialogs(save_to=target)
    w, _ = loaded(d)
    out = w.save_as()
    assert out == tmp_path / "offre.pdf"
    assert out.read_bytes() == w.pdf
    assert d.asked == ["save:OFF-2026-LAP1-0001.pdf:Documents PDF (*.pdf)"]


def test_a_save_that_fails_is_said_in_red_and_the_actions_stay(loaded, tmp_path, qtbot) -> None:
    w, _ = loaded(FakeDialogs(save_to=tmp_path / "nulle-part" / "offre.pdf"))
    with qtbot.waitSignal(w.failed) as sig:
        assert w.save_as() is None
    assert "n'existe pas" in sig.args[0] and w.status.text() == sig.args[0]
    assert tone_of(w.status) is Tone.ERROR  # an error, not a page count
    assert w.print_action.isEnabled() and w.save_action.isEnabled() and w.open_action.isEnabled()
    w.dialogs.save_to = tmp_path / "offre.pdf"  # the user picks another folder: it works
    assert w.save_as() == tmp_path / "offre.pdf" and tone_of(w.status) is None


def test_the_document_said_ready_again_changes_nothing_a_save_or_print_said(loaded, tmp_path, qtbot) -> None:
    """Qt may report Ready twice for one load: the second one used to put « 2 pages » over
    « Enregistré : … » (or over an error), and to re-enable « Imprimer » mid-print."""
    w, _ = loaded(FakeDialogs(save_to=tmp_path / "offre.pdf"))
    w.save_as()
    said = w.status.text()
    with qtbot.assertNotEmitted(w.loaded):
        w._on_status(QPdfDocument.Status.Ready)
    assert w.status.text() == said == f"Enregistré : {tmp_path / 'offre.pdf'}"


def test_every_preview_action_has_a_key_said_in_its_tooltip(loaded) -> None:
    w, _ = loaded(FakeDialogs())
    for action in w.toolbar.actions():
        key = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        assert key and key in action.toolTip(), action.text()


def test_cancelled_save_writes_nothing(loaded, tmp_path) -> None:
    w, _ = loaded(FakeDialogs(save_to=None))
    assert w.save_as() is None
    assert list(tmp_path.iterdir()) == []


def test_print_renders_every_page_on_the_printer(loaded, qtbot, tmp_path) -> None:
    out = tmp_path / "imprime.pdf"
    d = FakeDialogs(print_to=out, paper=QPageSize.PageSizeId.Letter)  # not A4: painted
    w, pages = loaded(d, lambda: offer_pdf(f.many_lines(40)))
    with qtbot.waitSignal(w.printed, timeout=20_000) as sig:
        assert w.print_pdf()
    assert sig.args[0] == pages == 3
    assert d.printer is not None and d.printer.fullPage()
    printed = pi.reader(out.read_bytes())
    assert len(printed.pages) == 3
    assert round(float(printed.pages[0].mediabox.width)) == 612  # Letter, the page scaled to it
    assert w.status.text() == "3 pages envoyées à l'impression"
    assert w.print_action.isEnabled() and not w.printing


def test_printing_the_whole_offer_to_a_file_writes_the_pdf_itself(loaded, qtbot, tmp_path) -> None:
    """"Imprimer dans un fichier" of every page on A4: the very document (text stays text),
    not pictures of its pages."""
    out = tmp_path / "imprime.pdf"
    w, pages = loaded(FakeDialogs(print_to=out), lambda: offer_pdf(f.many_lines(40)))
    with qtbot.waitSignal(w.printed, timeout=20_000) as sig:
        assert w.print_pdf()
    assert sig.args[0] == pages == 3
    assert out.read_bytes() == w.pdf
    assert w.status.text() == "3 pages imprimées dans le fichier imprime.pdf"
    assert w.print_action.isEnabled() and not w.printing


def test_a_page_range_prints_only_those_pages(loaded, qtbot, tmp_path) -> None:
    out = tmp_path / "imprime.pdf"
    w, _ = loaded(FakeDialogs(print_to=out, pages=(2, 3)), lambda: offer_pdf(f.many_lines(40)))
    with qtbot.waitSignal(w.printed, timeout=20_000) as sig:
        assert w.print_pdf()
    assert sig.args[0] == 2
    assert len(pi.reader(out.read_bytes()).pages) == 2
    assert w.status.text() == "2 pages envoyées à l'impression"


def test_the_page_shown_can_be_printed_alone(loaded, qtbot, tmp_path, monkeypatch) -> None:
    out = tmp_path / "imprime.pdf"
    w, _ = loaded(FakeDialogs(print_to=out, pages="current"), lambda: offer_pdf(f.many_lines(40)))
    w.view.pageNavigator().jump(2, w.view.pageNavigator().currentLocation())
    asked: list[object] = []
    real = printing.print_pdf_bytes

    def spy(data, printer, pages=None, **kw):
        asked.append(pages)
        return real(data, printer, pages, **kw)

    monkeypatch.setattr(printing, "print_pdf_bytes", spy)
    with qtbot.waitSignal(w.printed, timeout=20_000) as sig:
        assert w.print_pdf()
    assert asked == [[2]] and sig.args[0] == 1
    assert len(pi.reader(out.read_bytes()).pages) == 1


def test_a_range_outside_the_document_says_so_and_prints_nothing(loaded, qtbot, tmp_path) -> None:
    out = tmp_path / "imprime.pdf"
    w, _ = loaded(FakeDialogs(print_to=out, pages=(5, 6)), lambda: offer_pdf(f.many_lines(40)))
    with qtbot.waitSignal(w.failed, timeout=5_000) as sig:
        assert w.print_pdf() is False
    assert sig.args[0] == (
        "Les pages demandées (5 à 6) n'existent pas : le document compte 3 pages. "
        "Choisissez des pages entre 1 et 3."
    )
    assert w.status.text() == sig.args[0]
    assert not out.exists() and not w.printing and w.print_action.isEnabled()


@pytest.mark.parametrize(
    ("copies", "collate", "expected"),
    [(1, True, [0, 1, 2]), (2, True, [0, 1, 2, 0, 1, 2]), (2, False, [0, 0, 1, 1, 2, 2])],
)
def test_copies_a_printer_cannot_make_are_painted_in_the_order_asked(copies, collate, expected) -> None:
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)  # no copies of its own
    printer.setCopyCount(copies)
    printer.setCollateCopies(collate)
    assert not printer.supportsMultipleCopies()
    assert printing.pages_to_print(printer, 3) == expected
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 9)  # beyond the end: the pages that exist
    assert printing.pages_to_print(printer, 3) == [page for page in expected if page >= 1]


def test_reverse_order_prints_the_last_page_first_and_not_the_file_as_is() -> None:
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName("imprime.pdf")
    assert printing.prints_whole_file(printer, 3, printing.pages_to_print(printer, 3))
    printer.setPageOrder(QPrinter.PageOrder.LastPageFirst)  # « Ordre inverse »
    printer.setCopyCount(2)
    printer.setCollateCopies(True)
    chosen = printing.pages_to_print(printer, 3)
    assert chosen == [2, 1, 0, 2, 1, 0]
    assert not printing.prints_whole_file(printer, 3, chosen)


def test_printing_leaves_the_window_answering_and_says_which_page(loaded, qtbot, tmp_path, monkeypatch) -> None:
    """Pages go to the printer between the window's events, from its own thread: no Python
    worker touches Qt (a worker doing so could freeze both threads for good)."""
    gui = threading.get_ident()
    threads: set[int] = set()
    real = printing.PrintJob._paint_some

    order: list[str] = []  # « page » painted, « tick » of the window's own timer

    def spy(job):
        threads.add(threading.get_ident())
        order.append("page")
        return real(job)

    monkeypatch.setattr(printing.PrintJob, "_paint_some", spy)
    out = tmp_path / "imprime.pdf"
    w, _ = loaded(FakeDialogs(print_to=out, copies=2), lambda: offer_pdf(f.many_lines(40)))
    statuses: list[str] = []
    w.status.setText = lambda text, real_set=w.status.setText: (statuses.append(text), real_set(text))
    timer = QTimer()
    timer.timeout.connect(lambda: order.append("tick"))
    timer.start(1)
    before = threading.active_count()
    with qtbot.waitSignal(w.printed, timeout=20_000) as sig:
        assert w.print_pdf()
        # the call returned at once: the pages are still being sent, a second print waits
        assert w.printing and not w.print_action.isEnabled()
        assert w.print_pdf() is False
        assert threading.active_count() == before  # no Python thread for it
    timer.stop()
    assert threads == {gui}
    # the window's own timer kept firing while the 6 sheets went out: between every two pages
    # painted (counting ticks instead depended on how fast a loaded machine painted them)
    pages = [i for i, what in enumerate(order) if what == "page"]
    assert len(pages) >= 2 and all("tick" in order[a:b] for a, b in itertools.pairwise(pages))
    assert sig.args[0] == 6 and len(pi.reader(out.read_bytes()).pages) == 6  # two copies of 3
    assert "Impression : page 1 sur 6…" in statuses and "Impression : page 6 sur 6…" in statuses
    assert printing.PrintJob.running() == 0


def test_a_printer_that_cannot_start_gets_a_french_message_and_print_stays_available(
    loaded, qtbot, tmp_path, monkeypatch
) -> None:
    class Refusing(QPainter):
        def begin(self, _device) -> bool:  # what a printer off line or out of reach answers
            return False

    monkeypatch.setattr(printing, "QPainter", Refusing)
    w, _ = loaded(FakeDialogs(print_to=tmp_path / "imprime.pdf", copies=2))
    with qtbot.waitSignal(w.failed, timeout=20_000) as sig:
        assert w.print_pdf()
    assert sig.args[0] == "L'imprimante n'a pas pu démarrer l'impression (vérifiez qu'elle est disponible)."
    assert w.status.text() == sig.args[0]
    assert not w.printing and w.print_action.isEnabled() and w.save_action.isEnabled()


def test_printing_to_a_file_in_a_missing_folder_says_which_folder(loaded, qtbot, tmp_path) -> None:
    folder = tmp_path / "dossier-absent"
    w, _ = loaded(FakeDialogs(print_to=folder / "imprime.pdf"))
    with qtbot.waitSignal(w.failed, timeout=20_000) as sig:
        assert w.print_pdf()
    assert sig.args[0] == f"Le dossier {folder} n'existe pas : créez-le ou choisissez-en un autre."
    assert not w.printing and w.print_action.isEnabled()
    w.dialogs.pages = (2, 2)  # pages painted (not the file as is): the same message
    with qtbot.waitSignal(w.failed, timeout=20_000) as sig:
        assert w.print_pdf()
    assert sig.args[0] == f"Le dossier {folder} n'existe pas : créez-le ou choisissez-en un autre."


def test_closing_the_preview_while_printing_still_prints_every_page(qtbot, runner, tmp_path) -> None:
    out = tmp_path / "imprime.pdf"
    w = pv.PdfPreview(dialogs=FakeDialogs(print_to=out, paper=QPageSize.PageSizeId.Letter))
    with qtbot.waitSignal(w.loaded, timeout=10000):
        w.load_async(lambda: offer_pdf(f.many_lines(40)), runner)
    assert w.print_pdf()
    w.deleteLater()  # the user closes the preview at once
    qtbot.waitUntil(lambda: printing.PrintJob.running() == 0, timeout=20_000)
    assert len(pi.reader(out.read_bytes()).pages) == 3


PAGE_POINTS = (72, 144)  # a small black page: rendered at the printer's own resolution below


def black_page_pdf() -> bytes:
    import io

    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=PAGE_POINTS)
    page.rect(0, 0, *PAGE_POINTS, stroke=0, fill=1)
    page.showPage()
    page.save()
    return out.getvalue()


def light_rows(pdf: bytes, dpi: int) -> list[int]:
    """Rows of the page rendered at ``dpi`` that hold a pixel lighter than dark grey (the outer
    pixel of each side left out: that is where the page is centred on the sheet)."""
    from PySide6.QtGui import QImage

    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    size = document.pagePointSize(0)
    width, height = round(size.width() * dpi / 72), round(size.height() * dpi / 72)
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(0xFFFFFFFF)
    painter = QPainter(image)
    painter.drawImage(0, 0, document.render(0, QSize(width, height)))
    painter.end()
    gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
    light = bytes(0 if value <= 64 else 1 for value in range(256))
    return [
        y for y in range(1, height - 1) if bytes(gray.constScanLine(y))[1 : width - 1].translate(light).count(1)
    ]


@pytest.mark.parametrize("dpi", [300, 1200])
def test_printed_bands_cover_the_whole_sheet_without_a_seam(qtbot, tmp_path, monkeypatch, dpi) -> None:
    """A black page printed in many bands (10 rows each) at a resolution it is rendered at
    (300 dpi) and at one it is scaled to (1200 dpi: 2 x 2 dots a pixel) comes out black: no
    line between two bands, no strip left uncovered."""
    from PySide6.QtCore import QSizeF
    from PySide6.QtGui import QPageSize
    from PySide6.QtPrintSupport import QPrinter

    monkeypatch.setattr(printing, "PRINT_BAND_PIXELS", 10 * PAGE_POINTS[0] * 300 // 72)
    out = tmp_path / "imprime.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    printer.setResolution(dpi)
    printer.setPageSize(QPageSize(QSizeF(*PAGE_POINTS), QPageSize.Unit.Point))
    assert light_rows(black_page_pdf(), 300) == []
    job = printing.print_pdf_bytes(black_page_pdf(), printer)
    with qtbot.waitSignal(job.done, timeout=20_000) as sig:
        pass
    assert sig.args == [1]
    assert light_rows(out.read_bytes(), min(dpi, 600)) == []


def test_cancelled_print_prints_nothing(loaded, tmp_path) -> None:
    out = tmp_path / "imprime.pdf"
    w, _ = loaded(FakeDialogs(print_to=out, accept_print=False))
    assert w.print_pdf() is False
    assert not out.exists()


def test_open_in_the_pdf_reader_uses_a_temporary_copy(loaded, tmp_path) -> None:
    d = FakeDialogs()
    w, _ = loaded(d, temp_dir=tmp_path)
    path = w.open_external()
    assert path == tmp_path / "OFF-2026-LAP1-0001.pdf"
    assert d.opened == [path] and path.read_bytes() == w.pdf


def test_copies_opened_in_the_reader_on_earlier_days_are_removed(loaded, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    d = FakeDialogs()
    w, _ = loaded(d)
    yesterday = w.open_external()
    day_before = time.time() - pv.READER_COPY_KEPT_S - 60
    os.utime(yesterday.parent, (day_before, day_before))
    other = tmp_path / "autre-programme"  # what other programs keep there stays
    other.mkdir()
    os.utime(other, (day_before, day_before))
    earlier_today = w.open_external()
    now = w.open_external()
    assert not yesterday.exists() and earlier_today.exists() and now.exists()
    assert now.parent != earlier_today.parent  # each opening its own copy, a reader may hold one
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(pv.READER_COPY_PREFIX)) == sorted(
        [earlier_today.parent.name, now.parent.name]
    )
    assert other.exists()


def test_the_pdf_reader_is_started_without_the_builds_libraries(monkeypatch, tmp_path) -> None:
    """Started from the Linux build, the reader inherited LD_LIBRARY_PATH and QT_PLUGIN_PATH
    pointing into the build: a Qt reader (Okular, KDE's opener) loaded the build's Qt."""
    build = tmp_path / "_internal"
    monkeypatch.setattr(sys, "_MEIPASS", str(build), raising=False)
    monkeypatch.setenv("LD_LIBRARY_PATH", str(build))
    monkeypatch.setenv("QT_PLUGIN_PATH", str(build / "PySide6" / "Qt" / "plugins"))
    seen = {}

    def open_url(url):
        seen.update(os.environ)
        return True

    monkeypatch.setattr(pv.QDesktopServices, "openUrl", open_url)
    assert pv.PreviewDialogs().open_external(tmp_path / "offre.pdf") is True
    assert "LD_LIBRARY_PATH" not in seen and "QT_PLUGIN_PATH" not in seen
    assert os.environ["LD_LIBRARY_PATH"] == str(build)  # the application keeps its own


def test_no_reader_gives_a_french_message(loaded, tmp_path, qtbot) -> None:
    w, _ = loaded(FakeDialogs(open_ok=False), temp_dir=tmp_path)
    with qtbot.waitSignal(w.failed) as sig:
        assert w.open_external() is None
    assert "Aucun lecteur PDF" in sig.args[0]
    assert w.print_action.isEnabled() and w.save_action.isEnabled()  # the document is still there


def test_a_renderer_error_is_shown_in_french(qtbot, runner) -> None:
    def broken() -> bytes:
        raise InvalidInput("L'offre n'a pas de devis calculé : ouvrez-la et recalculez-la.")

    w = pv.PdfPreview(dialogs=FakeDialogs())
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.failed, timeout=5000) as sig:
        w.load_async(broken, runner)
    assert sig.args[0].startswith("L'offre n'a pas de devis")
    assert w.status.text() == sig.args[0]
    assert not w.save_action.isEnabled()


def test_show_preview_then_save(qtbot, runner, tmp_path) -> None:
    d = FakeDialogs(save_to=tmp_path / "x.pdf")
    w = pv.show_preview(None, runner, offer_pdf, suggested_name="OFF-1", dialogs=d, then="save")
    qtbot.addWidget(w.window())
    with qtbot.waitSignal(w.saved, timeout=10000):
        pass
    assert (tmp_path / "x.pdf").read_bytes()[:4] == b"%PDF"
    assert w.window().windowTitle() == "Aperçu — OFF-1"


def test_real_print_dialog_never_blocks_offscreen(loaded) -> None:
    class SaveOnly:
        def save_file(self, *a):
            return None

    w, _ = loaded(SaveOnly())
    assert w.print_pdf() is False  # the system dialog is not shown on the offscreen platform


def test_safe_file_names() -> None:
    assert pv.safe_file_name("OFF-2026-LAP1-0001") == "OFF-2026-LAP1-0001.pdf"
    assert pv.safe_file_name('a/b:c*?"<>|.pdf') == "a-b-c-.pdf"
    assert pv.safe_file_name("") == "document.pdf"
    # a long member's name is cut before the date that tells the drafts apart
    long = (
        "projet-offre Intercommunale pour la Gestion et la Réalisation d'Études Techniques et "
        "Économiques (IGRETEC) 2026-11-23"
    )
    cut = pv.safe_file_name(long)
    assert cut.endswith("… 2026-11-23.pdf") and len(cut) <= pv.MAX_FILE_STEM + 4
    assert cut.startswith("projet-offre Intercommunale pour la Gestion")
    assert pv.safe_file_name("x" * 120) == "x" * 78 + "….pdf"


def test_the_system_print_dialog_is_bounded_to_the_document(loaded, monkeypatch) -> None:
    """The real dialog (not shown here: its exec is replaced) offers pages 1..N and "page
    courante"; cancelling it prints nothing."""
    from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog

    seen: list[tuple[int, int, bool]] = []

    def exec_(dialog):  # type: ignore[no-untyped-def]
        current = dialog.testOption(QAbstractPrintDialog.PrintDialogOption.PrintCurrentPage)
        seen.append((dialog.minPage(), dialog.maxPage(), current))
        return QDialog.DialogCode.Rejected

    from PySide6.QtWidgets import QDialog

    monkeypatch.setattr(pv, "_offscreen", lambda: False)
    monkeypatch.setattr(QPrintDialog, "exec", exec_)
    w, pages = loaded(pv.PreviewDialogs(), lambda: offer_pdf(f.many_lines(40)))
    assert w.print_pdf() is False
    assert seen == [(1, pages, True)] and pages == 3
    assert not w.printing and w.print_action.isEnabled()


def test_a_page_the_renderer_never_returns_stops_the_print_with_a_message(qtbot, tmp_path, monkeypatch) -> None:
    from PySide6.QtPrintSupport import QPrinter

    monkeypatch.setattr(printing, "RENDER_TIMEOUT_MS", 1)  # far less than any page takes
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "imprime.pdf"))
    printer.setResolution(1200)
    job = printing.print_pdf_bytes(offer_pdf(), printer)
    with qtbot.waitSignal(job.failed, timeout=20_000) as sig:
        pass
    assert str(sig.args[0]) == "Une page n'a pas pu être préparée pour l'impression. Réessayez."
    qtbot.waitUntil(lambda: printing.PrintJob.running() == 0, timeout=2_000)


def test_a_document_that_cannot_be_read_back_is_said_and_nothing_is_printed(qtbot, tmp_path) -> None:
    from PySide6.QtPrintSupport import QPrinter

    out = tmp_path / "imprime.pdf"
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    job = printing.print_pdf_bytes(b"%PDF-1.4 pas un document", printer)
    with qtbot.waitSignal(job.failed, timeout=5_000) as sig:
        pass
    assert str(sig.args[0]).startswith("Le document n'a pas pu être relu pour l'impression.")
    assert not out.exists()


def test_the_application_sends_the_last_pages_before_it_leaves(qtbot, tmp_path) -> None:
    """The window closed right after « Imprimer… »: the pages still go out."""
    from PySide6.QtPrintSupport import QPrinter

    out = tmp_path / "imprime.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    printing.print_pdf_bytes(offer_pdf(f.many_lines(40)), printer)
    assert printing.PrintJob.running() == 1
    assert printing.wait_for_print_jobs(20_000)
    assert len(pi.reader(out.read_bytes()).pages) == 3


STRESS = r"""
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QPageSize
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
from desktop.ui import printing
from desktop.ui.tones import Tone, tone_of
from desktop.ui.qt_compat import pin_singletons
from desktop.ui.tasks import TaskRunner

app = QApplication([])
pin_singletons()
window = QMainWindow()
bar = window.addToolBar("outils")
actions = [QAction(f"action {i}", window) for i in range(20)]
for action in actions:
    bar.addAction(action)
window.show()
runner = TaskRunner()
data = open(sys.argv[1], "rb").read()
sent = [0]

def print_again(*_):
    sent[0] += 1
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(sys.argv[2])
    printer.setResolution(150)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.Letter))
    job = printing.print_pdf_bytes(data, printer)
    job.done.connect(print_again)

print_again()
end = time.monotonic() + 2
while time.monotonic() < end:  # the window's thread: its tool bar follows the offer, labels
    for action in actions:     # come and go, background tasks report back
        action.setEnabled(not action.isEnabled())
    label = QLabel("x", window)
    label.destroyed.connect(lambda *_: None)
    label.deleteLater()
    runner.run(sum, (1, 2))
    app.processEvents()
runner.wait_idle(5000)
print(sent[0])
"""


def test_printing_while_the_window_works_never_freezes_it(tmp_path):
    """Pages go to the printer while the window toggles its tool bar, deletes widgets with
    connections and hands results back from workers. Printing on a worker thread once froze
    both threads for good this way (each waiting for a lock the other held); run in a
    process of its own with a time limit, so a freeze fails the test instead of hanging."""
    import os
    import subprocess
    import sys

    pdf = tmp_path / "offre.pdf"
    pdf.write_bytes(offer_pdf())
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    try:
        done = subprocess.run(
            [sys.executable, "-c", STRESS, str(pdf), str(tmp_path / "imprime.pdf")],
            env=env, capture_output=True, text=True, timeout=60,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("l'interface et l'impression se sont bloquées mutuellement")
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip().splitlines()[-1]) > 3  # documents really were printed


def test_a_finished_print_job_is_let_go(qtbot, tmp_path) -> None:
    """Nothing keeps a job once its pages are sent (a day of printing must not pile them up)."""
    import gc
    import weakref

    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "imprime.pdf"))
    job = printing.print_pdf_bytes(offer_pdf(), printer)
    gone = weakref.ref(job)
    with qtbot.waitSignal(job.done, timeout=20_000):
        pass
    del job
    qtbot.waitUntil(lambda: (gc.collect(), gone() is None)[1], timeout=2_000)
    assert printing.PrintJob._running == set()


def test_a_print_still_going_when_its_preview_closes_is_told_in_the_window(qtbot, runner, tmp_path) -> None:
    """The preview is closed at once: the outcome of its print goes to ``notify`` (the main
    window's bar), not to a status line nobody sees any more."""
    out = tmp_path / "imprime.pdf"
    told: list[tuple[str, bool]] = []
    w = pv.show_preview(
        None,
        runner,
        lambda: offer_pdf(f.many_lines(40)),
        dialogs=FakeDialogs(print_to=out, paper=QPageSize.PageSizeId.Letter),
        notify=lambda text, ok: told.append((text, ok)),
    )
    qtbot.waitUntil(lambda: w.ready, timeout=10_000)
    assert w.print_pdf()
    w.window().close()  # deleted on close, its print still going
    qtbot.waitUntil(lambda: bool(told), timeout=20_000)
    assert told == [("Impression terminée : 3 pages envoyées à l'imprimante.", True)]
    assert len(pi.reader(out.read_bytes()).pages) == 3


def test_a_print_that_fails_after_its_preview_closed_is_told_as_a_problem(
    qtbot, runner, tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr(printing, "RENDER_TIMEOUT_MS", 50)
    monkeypatch.setattr(printing.PrintJob, "_rendered", lambda *_: None)  # no page ever comes back
    told: list[tuple[str, bool]] = []
    w = pv.show_preview(
        None,
        runner,
        offer_pdf,
        dialogs=FakeDialogs(print_to=tmp_path / "imprime.pdf", paper=QPageSize.PageSizeId.Letter),
        notify=lambda text, ok: told.append((text, ok)),
    )
    qtbot.waitUntil(lambda: w.ready, timeout=10_000)
    assert w.print_pdf()
    w.window().close()
    qtbot.waitUntil(lambda: bool(told), timeout=20_000)
    assert told == [
        ("Impression interrompue : Une page n'a pas pu être préparée pour l'impression. Réessayez.", False)
    ]


def test_a_print_that_ends_while_its_preview_is_open_is_told_there_only(loaded, qtbot, tmp_path) -> None:
    told: list[tuple[str, bool]] = []
    w, _ = loaded(FakeDialogs(print_to=tmp_path / "imprime.pdf", paper=QPageSize.PageSizeId.Letter))
    w.notify = lambda text, ok: told.append((text, ok))
    with qtbot.waitSignal(w.printed, timeout=20_000):
        assert w.print_pdf()
    qtbot.wait(20)
    assert told == [] and w.status.text() == "2 pages envoyées à l'impression"


def test_a_print_to_a_file_still_writing_when_its_preview_closes_is_told_too(
    qtbot, runner, tmp_path, monkeypatch
) -> None:
    import time as clock

    real = printing.print_to_file
    monkeypatch.setattr(printing, "print_to_file", lambda *a: (clock.sleep(0.3), real(*a))[1])  # a slow disk
    out = tmp_path / "offre.pdf"
    told: list[tuple[str, bool]] = []
    w = pv.show_preview(
        None, runner, offer_pdf, dialogs=FakeDialogs(print_to=out), notify=lambda text, ok: told.append((text, ok))
    )
    qtbot.waitUntil(lambda: w.ready, timeout=10_000)
    assert w.print_pdf()
    w.window().close()
    qtbot.waitUntil(lambda: bool(told), timeout=10_000)
    assert told == [("Impression terminée : 2 pages envoyées à l'imprimante.", True)]
    assert out.read_bytes()[:4] == b"%PDF"
