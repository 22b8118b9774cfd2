"""The first start of a new version on a laptop's database: the drafts its catalogue prices
otherwise are priced again, and the window says which before anyone quotes their old figures."""

from __future__ import annotations

from contextlib import contextmanager

from upgrades import priced_as_before_discountable, seeded_by_the_previous_version

from desktop.ui.application import Startup
from desktop.ui.ui_state import UiState


@contextmanager
def upgraded(qtbot, db_path, runner, dialogs, ui_state_path, run_comptoir, *, last_draft=False):  # type: ignore[no-untyped-def]
    """The application started on a database the previous version left with CPAS de
    Nivelles's draft (the one it was working on last, with ``last_draft``)."""
    priced_as_before_discountable(db_path)
    saved = run_comptoir(
        "quote", "--member", "CPAS de Nivelles", "--product", "aes", "--param", "aes:schools=9",
        "--commune-has", "aes", "--save",
    )
    assert saved.returncode == 0, saved.stderr
    if last_draft:
        state = UiState(str(ui_state_path))
        state.last_draft = saved.stdout.split()[-1]
        state.sync()
    seeded_by_the_previous_version(db_path)
    startup = Startup(db_path, runner, dialogs, settings_path=ui_state_path)
    startup.start()
    qtbot.waitUntil(lambda: startup.window is not None, timeout=10_000)
    try:
        yield startup.window
    finally:
        startup.window.close()
        runner.wait_idle(5000)
        startup.backend.close()
        startup.lock.release()


def test_the_window_names_the_drafts_a_new_version_priced_again(
    qtbot, db_path, runner, dialogs, ui_state_path, run_comptoir
):
    with upgraded(qtbot, db_path, runner, dialogs, ui_state_path, run_comptoir) as window:
        bar = window.bar
        qtbot.waitUntil(lambda: "brouillons recalculés (1)" in bar.text, timeout=5000)
        assert "Cette version de Comptoir corrige le catalogue" in bar.text
        assert "CPAS de Nivelles (brouillon du " in bar.text
        assert "Vérifiez leurs montants" in bar.text


def test_the_draft_of_last_time_is_offered_once_the_upgrade_was_said(
    qtbot, db_path, runner, dialogs, ui_state_path, run_comptoir
):
    """The notice of the re-priced drafts comes first; closed, the draft the user was working
    on is offered to reopen, as at any start. Before, it was never offered on that start."""
    with upgraded(qtbot, db_path, runner, dialogs, ui_state_path, run_comptoir, last_draft=True) as window:
        bar = window.bar
        qtbot.waitUntil(lambda: "brouillons recalculés (1)" in bar.text, timeout=5000)
        bar.dismiss()
        assert bar.text.startswith("Vous travailliez sur un brouillon pour CPAS de Nivelles")
        [reopen] = bar.action_buttons()
        assert reopen.text() == "Rouvrir le brouillon"
        reopen.click()
        assert window.session.member.display_name == "CPAS de Nivelles"


def test_many_drafts_priced_again_are_counted_past_the_first_five(db_path, run_comptoir):
    """Forty drafts named one by one covered a quarter of the window: five are named, the others
    counted, and the log keeps every name."""
    from desktop.ui.backend import load_startup_data

    priced_as_before_discountable(db_path)
    cpas = ["Nivelles", "Namur", "Wavre", "Dinant", "Mons", "Huy", "Spa"]
    for commune in cpas:
        saved = run_comptoir(
            "quote", "--member", f"CPAS de {commune}", "--product", "aes", "--param",
            "aes:schools=9", "--commune-has", "aes", "--save",
        )
        assert saved.returncode == 0, saved.stderr
    seeded_by_the_previous_version(db_path)

    notice = load_startup_data(db_path).notice

    assert "brouillons recalculés (7) : " in notice
    assert notice.count("(brouillon du ") == 5
    assert "et 2 autres (le journal les nomme tous). Vérifiez leurs montants" in notice
