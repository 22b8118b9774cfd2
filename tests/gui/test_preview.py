"""The PDF preview: rendered off the GUI thread, shown from memory, printed, saved, opened."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "documents"))

import doc_factories as f
import pdf_inspect as pi

from desktop.core.errors import InvalidInput
from desktop.documents.offer import build_offer_document, render_offer
from desktop.ui import preview as pv

pytestmark = pytest.mark.gui


def offer_pdf(lines=None) -> bytes:
    doc = build_offer_document(f.quote(lines), f.tariff(), None, number="OFF-2026-LAP1-0001", issued=f.ISSUED)
    return render_offer(doc)


class FakeDialogs:
    """Scripted answers; records what was asked. Never blocks."""

    def __init__(self, save_to=None, print_to=None, accept_print=True, open_ok=True):
        self.save_to, self.print_to, self.accept_print, self.open_ok = save_to, print_to, accept_print, open_ok
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


def test_cancelled_save_writes_nothing(loaded, tmp_path) -> None:
    w, _ = loaded(FakeDialogs(save_to=None))
    assert w.save_as() is None
    assert list(tmp_path.iterdir()) == []


def test_print_renders_every_page_on_the_printer(loaded, tmp_path) -> None:
    out = tmp_path / "imprime.pdf"
    d = FakeDialogs(print_to=out)
    w, pages = loaded(d, lambda: offer_pdf(f.many_lines(40)))
    assert w.print_pdf() == pages == 3
    assert d.printer is not None and d.printer.fullPage()
    assert len(pi.reader(out.read_bytes()).pages) == 3


def test_cancelled_print_prints_nothing(loaded, tmp_path) -> None:
    out = tmp_path / "imprime.pdf"
    w, _ = loaded(FakeDialogs(print_to=out, accept_print=False))
    assert w.print_pdf() == 0
    assert not out.exists()


def test_open_in_the_pdf_reader_uses_a_temporary_copy(loaded, tmp_path) -> None:
    d = FakeDialogs()
    w, _ = loaded(d, temp_dir=tmp_path)
    path = w.open_external()
    assert path == tmp_path / "OFF-2026-LAP1-0001.pdf"
    assert d.opened == [path] and path.read_bytes() == w.pdf


def test_no_reader_gives_a_french_message(loaded, tmp_path, qtbot) -> None:
    w, _ = loaded(FakeDialogs(open_ok=False), temp_dir=tmp_path)
    with qtbot.waitSignal(w.failed) as sig:
        assert w.open_external() is None
    assert "Aucun lecteur PDF" in sig.args[0]


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
    assert w.print_pdf() == 0  # the system dialog is not shown on the offscreen platform


def test_safe_file_names() -> None:
    assert pv.safe_file_name("OFF-2026-LAP1-0001") == "OFF-2026-LAP1-0001.pdf"
    assert pv.safe_file_name('a/b:c*?"<>|.pdf') == "a-b-c-.pdf"
    assert pv.safe_file_name("") == "document.pdf"
