"""What a new version says of the drafts it priced again: every name on the command line, the
first few in the window."""

from __future__ import annotations

from desktop.store.offers_repo import RequoteReport


def _names(n: int) -> tuple[str, ...]:
    return tuple(f"Membre {i}" for i in range(1, n + 1))


FIVE = "Membre 1, Membre 2, Membre 3, Membre 4, Membre 5"


def test_every_draft_is_named_without_a_limit() -> None:
    said = RequoteReport(changed=_names(8), unpriced=_names(2)).after_update()
    assert f"brouillons recalculés (8) : {FIVE}, Membre 6, Membre 7, Membre 8. " in said
    assert said.endswith("laissés tels quels (2) : Membre 1, Membre 2.")


def test_past_the_limit_the_others_are_counted() -> None:
    said = RequoteReport(changed=_names(8), unpriced=_names(6)).after_update(shown=5)
    assert f"(8) : {FIVE} et 3 autres (le journal les nomme tous). " in said
    assert said.endswith(f"(6) : {FIVE} et 1 autre (le journal les nomme tous).")


def test_a_list_within_the_limit_is_named_whole() -> None:
    assert f"(5) : {FIVE}. " in RequoteReport(changed=_names(5)).after_update(shown=5)


def test_nothing_to_say_without_drafts() -> None:
    assert RequoteReport().after_update(shown=5) == ""
