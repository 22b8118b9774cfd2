"""A dark theme (Windows' dark mode, GNOME's dark style): every text reads on it, as on the
light one; the colours that mean something (warnings, errors, hints) come from the palette."""

from __future__ import annotations

import pytest
from layout_checks import contrast, dark_palette, unreadable
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel

from desktop.ui.message_bar import Level, MessageBar
from desktop.ui.tones import Tone, colour, css, follow_palette, set_tone, surface

pytestmark = pytest.mark.gui


@pytest.fixture
def dark(qapp):
    before = qapp.palette()
    qapp.setPalette(dark_palette())
    yield
    qapp.setPalette(before)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_tone_reads_on_the_window_in_a_list_and_on_its_panel(qapp, scheme):
    palette = dark_palette() if scheme == "dark" else qapp.style().standardPalette()
    window, base = palette.color(QPalette.ColorRole.Window), palette.color(QPalette.ColorRole.Base)
    for tone in Tone:
        assert contrast(colour(tone, palette), window) >= 4.5, tone
        assert contrast(colour(tone, palette, on_base=True), base) >= 4.5, tone
        background, text, border = surface(tone, palette)
        assert contrast(text, background) >= 4.5, tone
        assert border != background, tone


def test_every_label_of_the_editor_reads_on_a_dark_theme(qtbot, dark, make_window, backend, dialogs, busy_offer):
    """Under Windows' dark mode the card's headings (« Taille », « Catégorie tarifaire »)
    were #333 on #202020, the hints #555, the blocking points dark red: 1.3 to 2.2 to 1; the
    banner of a finalised offer white on pale blue."""
    backend.save_settings(backend.settings().with_changes(device_code="LAP1", seller_name="Anne Dupont"))
    window = make_window(backend)
    busy_offer(window)
    assert any(label.text().startswith("<span") for label in window.editor.notices.labels)
    qtbot.wait(20)
    assert unreadable(window) == []
    for level in Level:
        window.bar.show_message("Un message.", level, actions=(("Rouvrir le brouillon", lambda: None),))
        assert unreadable(window.bar) == [], level
    window.session.remove_lines([2, 3, 5])  # nothing blocks now
    dialogs.script("confirm", True)
    window.documents.finalise()
    qtbot.waitUntil(lambda: window.session.read_only and not window.session.finalising, timeout=10_000)
    assert window.editor.frozen.isVisible()
    assert unreadable(window) == []
    window.close()


def test_the_forms_errors_and_hints_read_on_a_dark_theme(qtbot, dark, window, backend):
    window.open_settings()
    dialog = window._settings_dialog
    dialog.fields["device_code"].setText("?")
    dialog.ok_button.click()
    assert dialog.errors.message("device_code")
    assert unreadable(dialog) == []
    dialog.discard()


def test_a_toned_label_follows_the_switch_to_a_dark_theme(qtbot, qapp):
    """Windows switches to dark mode at dusk while the application runs: a hint written in
    the light theme's dark grey would stay so on the dark window."""
    follow_palette(qapp)
    hint = QLabel("Estimation")
    qtbot.addWidget(hint)
    set_tone(hint, Tone.MUTED)
    before = qapp.palette()
    try:
        qapp.setPalette(dark_palette())
        shown = hint.palette().color(QPalette.ColorRole.WindowText)
        assert shown == colour(Tone.MUTED, dark_palette())
        assert contrast(shown, dark_palette().color(QPalette.ColorRole.Window)) >= 4.5
    finally:
        qapp.setPalette(before)
    assert hint.palette().color(QPalette.ColorRole.WindowText) == colour(Tone.MUTED, before)
    set_tone(hint, None)  # back to the theme's own colour
    assert hint.palette().color(QPalette.ColorRole.WindowText) == before.color(QPalette.ColorRole.WindowText)


def test_the_message_bar_close_button_takes_the_text_colour(qtbot, dark):
    """On a dark theme the « ✕ » kept the window's white text on the bar's pale panel."""
    bar = MessageBar()
    qtbot.addWidget(bar)
    bar.show()
    bar.show_message("Brouillon enregistré.", Level.SUCCESS)
    background, text, _border = surface(Tone.SUCCESS)
    assert f"QToolButton {{ color: {text.name()}; }}" in bar.styleSheet()
    assert contrast(text, background) >= 4.5


def test_a_switch_of_theme_writes_notices_panels_and_details_again(
    qtbot, qapp, make_window, backend, dialogs, busy_offer
):
    """Windows switches to dark mode at dusk while an offer is open: the blocking points (rich
    text) stayed dark red on the dark window, the message bar and the banner of a finalised
    offer stayed pale panels, the offers list's details kept the light theme's grey; and the
    other way round at dawn."""
    follow_palette(qapp)
    backend.save_settings(backend.settings().with_changes(device_code="LAP1", seller_name="Anne Dupont"))
    window = make_window(backend)
    busy_offer(window)
    window.bar.show_message("Un point à corriger.", Level.WARNING)
    light = qapp.palette()

    def written_for(palette: QPalette) -> None:
        qtbot.wait(20)
        assert unreadable(window) == []
        background = surface(Tone.WARNING, palette)[0].name()
        assert f"background: {background};" in window.bar.styleSheet()

    try:
        qapp.setPalette(dark_palette())
        written_for(dark_palette())
    finally:
        qapp.setPalette(light)
    written_for(light)

    window.session.remove_lines([2, 3, 5])  # nothing blocks now
    dialogs.script("confirm", True)
    window.documents.finalise()
    qtbot.waitUntil(lambda: window.session.read_only and not window.session.finalising, timeout=10_000)
    window.show_offers()
    offers = window.offers_list
    qtbot.waitUntil(lambda: offers.model.rowCount() == 1, timeout=2000)
    offers.details.setHtml("")  # as it was before the switch: what follows writes it again
    try:
        qapp.setPalette(dark_palette())
        qtbot.wait(20)
        banner = surface(Tone.INFO, dark_palette())[0].name()
        assert f"background: {banner};" in window.editor.frozen.styleSheet()
        assert offers.details.toPlainText()
    finally:
        qapp.setPalette(light)
    window.close()


def test_the_import_report_is_written_again_after_a_switch(qtbot, qapp):
    """An import report left open at dusk kept the light theme's grey notes."""
    from desktop.ui.exchange import ReportDialog

    follow_palette(qapp)
    report = ReportDialog("Import des offres", lambda: f"<p style='color:{css(Tone.MUTED, on_base=True)}'>note</p>")
    qtbot.addWidget(report)
    light = qapp.palette()
    try:
        qapp.setPalette(dark_palette())
        assert colour(Tone.MUTED, dark_palette(), on_base=True).name() in report.body.toHtml()
    finally:
        qapp.setPalette(light)
    assert colour(Tone.MUTED, light, on_base=True).name() in report.body.toHtml()
