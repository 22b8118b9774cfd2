"""The first start of a new version on a laptop's database: the drafts its catalogue prices
otherwise are priced again, and the window says which before anyone quotes their old figures."""

from __future__ import annotations

from upgrades import priced_as_before_discountable, seeded_by_the_previous_version

from desktop.ui.application import Startup


def test_the_window_names_the_drafts_a_new_version_priced_again(
    qtbot, db_path, runner, dialogs, ui_state_path, run_comptoir
):
    priced_as_before_discountable(db_path)
    saved = run_comptoir(
        "quote", "--member", "CPAS de Nivelles", "--product", "aes", "--param", "aes:schools=9",
        "--commune-has", "aes", "--save",
    )
    assert saved.returncode == 0, saved.stderr
    seeded_by_the_previous_version(db_path)
    startup = Startup(db_path, runner, dialogs, settings_path=ui_state_path)
    startup.start()
    qtbot.waitUntil(lambda: startup.window is not None, timeout=10_000)
    try:
        bar = startup.window.bar
        qtbot.waitUntil(lambda: "brouillons recalculés (1)" in bar.text, timeout=5000)
        assert "Cette version de Comptoir corrige le catalogue" in bar.text
        assert "CPAS de Nivelles (brouillon du " in bar.text
        assert "Vérifiez leurs montants" in bar.text
    finally:
        startup.window.close()
        runner.wait_idle(5000)
        startup.backend.close()
        startup.lock.release()
