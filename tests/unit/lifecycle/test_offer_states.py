"""Every transition of the offer lifecycle, allowed and refused, plus derived expiry."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.errors import InvalidInput, RuleViolation
from desktop.core.offers import (
    MANUAL_TRANSITIONS,
    SYSTEM_TRANSITIONS,
    TRANSITIONS,
    OfferState,
    check_revisable,
    check_transition,
    effective_state,
)

S = OfferState
TODAY = date(2026, 6, 1)
VALID = date(2026, 6, 30)  # still valid on TODAY
PAST = date(2026, 5, 31)  # expired on TODAY

EXPECTED_MANUAL = {
    (S.FINALISEE, S.ENVOYEE),
    (S.ENVOYEE, S.ACCEPTEE),
    (S.ENVOYEE, S.REFUSEE),
    (S.EXPIREE, S.ACCEPTEE),
    (S.EXPIREE, S.REFUSEE),
}
EXPECTED_SYSTEM = {
    (S.ACCEPTEE, S.CONVERTIE),  # the order form is established: never by hand
    (S.BROUILLON, S.FINALISEE),
    (S.FINALISEE, S.REMPLACEE),
    (S.ENVOYEE, S.REMPLACEE),
    (S.EXPIREE, S.REMPLACEE),
    (S.REFUSEE, S.REMPLACEE),
}


def _stored_and_validity(effective: OfferState) -> tuple[OfferState, date]:
    """An expired offer is stored as envoyee with a past validity date."""
    if effective is S.EXPIREE:
        return S.ENVOYEE, PAST
    return effective, VALID


def test_the_tables_are_exactly_the_documented_ones() -> None:
    manual = {(a, b) for a, bs in MANUAL_TRANSITIONS.items() for b in bs}
    system = {(a, b) for a, bs in SYSTEM_TRANSITIONS.items() for b in bs}
    assert manual == EXPECTED_MANUAL
    assert system == EXPECTED_SYSTEM
    assert {(a, b) for a, bs in TRANSITIONS.items() for b in bs} == manual | system


@pytest.mark.parametrize("source,target", sorted(EXPECTED_MANUAL))
def test_allowed_manual_transitions(source: OfferState, target: OfferState) -> None:
    stored, valid = _stored_and_validity(source)
    got = check_transition(stored, target, valid_until=valid, today=TODAY, reason="budget voté")
    assert got is source


@pytest.mark.parametrize("source,target", sorted(EXPECTED_SYSTEM))
def test_allowed_system_transitions(source: OfferState, target: OfferState) -> None:
    stored, valid = _stored_and_validity(source)
    assert check_transition(stored, target, valid_until=valid, today=TODAY, system=True) is source


REFUSED_MANUAL = sorted(
    (a, b) for a in OfferState for b in OfferState if (a, b) not in EXPECTED_MANUAL
)


@pytest.mark.parametrize("source,target", REFUSED_MANUAL)
def test_every_other_manual_transition_is_refused_in_french(
    source: OfferState, target: OfferState
) -> None:
    stored, valid = _stored_and_validity(source)
    with pytest.raises(RuleViolation) as err:
        check_transition(stored, target, valid_until=valid, today=TODAY, reason="motif")
    msg = str(err.value)
    assert any(w in msg for w in ("refusé", "ne se choisit pas", "en la finalisant", "Réviser", "bon de commande"))


ONLY_BY_ITS_ACTION = {
    S.EXPIREE: "ne se choisit pas",
    S.FINALISEE: "en la finalisant",
    S.CONVERTIE: "bon de commande est établi",
    S.REMPLACEE: "utilisez « Réviser »",
}


@pytest.mark.parametrize("source", list(OfferState))
@pytest.mark.parametrize("target", list(ONLY_BY_ITS_ACTION))
def test_a_state_reached_by_an_action_names_that_action_from_any_state(
    source: OfferState, target: OfferState
) -> None:
    """Choosing « Convertie » by hand says to make the order form, whatever the offer's state,
    not only that the move is refused."""
    stored, valid = _stored_and_validity(source)
    with pytest.raises(RuleViolation, match=ONLY_BY_ITS_ACTION[target]):
        check_transition(stored, target, valid_until=valid, today=TODAY, reason="motif")


REFUSED_SYSTEM = sorted(
    (a, b)
    for a in OfferState
    for b in OfferState
    if (a, b) not in EXPECTED_SYSTEM and b is not S.EXPIREE
)


@pytest.mark.parametrize("source,target", REFUSED_SYSTEM)
def test_every_other_system_transition_is_refused(source: OfferState, target: OfferState) -> None:
    stored, valid = _stored_and_validity(source)
    with pytest.raises(RuleViolation):
        check_transition(stored, target, valid_until=valid, today=TODAY, system=True)


@pytest.mark.parametrize("source", [S.ENVOYEE, S.EXPIREE])
@pytest.mark.parametrize("reason", ["", "   "])
def test_refusal_needs_a_reason(source: OfferState, reason: str) -> None:
    stored, valid = _stored_and_validity(source)
    with pytest.raises(InvalidInput, match="motif du refus"):
        check_transition(stored, S.REFUSEE, valid_until=valid, today=TODAY, reason=reason)


def test_a_reason_is_a_sentence_or_two_not_a_pasted_page() -> None:
    """It prints in the offer's history and remarks: 300 characters at most, as the reason
    of a category chosen by hand."""
    with pytest.raises(InvalidInput, match="Motif : 300 caractères au plus ; le texte saisi en compte 301"):
        check_transition(S.ENVOYEE, S.REFUSEE, valid_until=VALID, today=TODAY, reason="x" * 301)
    assert check_transition(S.ENVOYEE, S.REFUSEE, valid_until=VALID, today=TODAY, reason="x" * 300)


def test_accepting_an_expired_offer_needs_a_reason_but_a_valid_one_does_not() -> None:
    with pytest.raises(InvalidInput, match="a expiré le 31/05/2026"):
        check_transition(S.ENVOYEE, S.ACCEPTEE, valid_until=PAST, today=TODAY)
    assert (
        check_transition(
            S.ENVOYEE, S.ACCEPTEE, valid_until=PAST, today=TODAY, reason="Collège du 20/05"
        )
        is S.EXPIREE
    )
    assert check_transition(S.ENVOYEE, S.ACCEPTEE, valid_until=VALID, today=TODAY) is S.ENVOYEE


def test_an_expired_offer_cannot_be_sent_and_the_message_says_to_revise() -> None:
    with pytest.raises(RuleViolation, match="révisez"):
        check_transition(S.FINALISEE, S.ENVOYEE, valid_until=PAST, today=TODAY)


def test_expiry_is_derived_from_the_validity_date_inclusive() -> None:
    assert effective_state(S.ENVOYEE, date(2026, 6, 1), TODAY) is S.ENVOYEE  # last valid day
    assert effective_state(S.ENVOYEE, date(2026, 5, 31), TODAY) is S.EXPIREE
    assert effective_state(S.FINALISEE, date(2026, 5, 31), TODAY) is S.EXPIREE
    for s in (S.ACCEPTEE, S.REFUSEE, S.CONVERTIE, S.REMPLACEE, S.BROUILLON):
        assert effective_state(s, date(2000, 1, 1), TODAY) is s
    assert effective_state(S.ENVOYEE, None, TODAY) is S.ENVOYEE


@given(st.sampled_from(list(OfferState)), st.dates(), st.dates())
def test_effective_state_never_invents_a_stored_state(
    stored: OfferState, valid: date, today: date
) -> None:
    got = effective_state(stored, valid, today)
    assert got is stored or (got is S.EXPIREE and stored in (S.FINALISEE, S.ENVOYEE))


@pytest.mark.parametrize("source", [S.FINALISEE, S.ENVOYEE, S.EXPIREE, S.REFUSEE])
def test_revisable_states(source: OfferState) -> None:
    stored, valid = _stored_and_validity(source)
    check_revisable(stored, valid, TODAY)


@pytest.mark.parametrize("source", [S.BROUILLON, S.ACCEPTEE, S.CONVERTIE, S.REMPLACEE])
def test_not_revisable_states(source: OfferState) -> None:
    with pytest.raises(RuleViolation, match="Impossible de réviser"):
        check_revisable(source, VALID, TODAY)


@pytest.mark.parametrize(
    "text,state",
    [
        ("acceptee", S.ACCEPTEE),
        ("Acceptée", S.ACCEPTEE),
        ("ENVOYÉE", S.ENVOYEE),
        ("refusee", S.REFUSEE),
    ],
)
def test_state_parsing_accepts_codes_and_french_labels(text: str, state: OfferState) -> None:
    assert OfferState.parse(text) is state


def test_unknown_state_lists_the_choices() -> None:
    with pytest.raises(InvalidInput, match="États possibles : brouillon"):
        OfferState.parse("signée")


def test_a_contract_term_runs_from_one_to_ten_years() -> None:
    """The term is printed as given and renews yearly after it: 999999999999 years was accepted."""
    from desktop.core.offers import MAX_CONTRACT_YEARS, check_contract_term

    assert check_contract_term(1) == 1 and check_contract_term(MAX_CONTRACT_YEARS) == 10
    for bad in (0, -1, 11, 999_999_999_999, True):
        with pytest.raises(InvalidInput) as info:
            check_contract_term(bad)  # type: ignore[arg-type]
        assert info.value.field == "term_years" and "de 1 à 10 ans" in str(info.value)


def test_a_contract_note_reads_back_what_it_recorded() -> None:
    from datetime import date

    from desktop.core.offers import contract_note, read_contract_note

    note = contract_note(date(2026, 11, 25), date(2027, 1, 1), 3)
    assert note == "bon de commande du 25/11/2026, prise d'effet le 01/01/2027, durée initiale 3 ans"
    assert read_contract_note(note) == (date(2026, 11, 25), date(2027, 1, 1), 3)
    assert read_contract_note(contract_note(date(2026, 1, 2), date(2026, 1, 2), 1)) == (
        date(2026, 1, 2), date(2026, 1, 2), 1
    )
    assert read_contract_note("bon de commande établi") is None  # older conversions
    assert read_contract_note("bon de commande du 31/02/2026, prise d'effet le 01/01/2027, durée initiale 1 an") is None


@pytest.mark.parametrize("target", [S.ENVOYEE, S.ACCEPTEE, S.REFUSEE])
def test_a_draft_moved_by_hand_is_told_to_be_finalised_first(target: OfferState) -> None:
    """« Aucun changement d'état n'est possible depuis cet état » left the user with nothing to do."""
    with pytest.raises(RuleViolation, match=r"Un brouillon se finalise d'abord .* comptoir offers finalize"):
        check_transition(S.BROUILLON, target, valid_until=None, today=TODAY, reason="motif")


def test_a_reason_is_kept_on_one_line() -> None:
    from desktop.core.inputs import check_reason

    assert check_reason("  budget 2027\nnon voté\r\n ") == "budget 2027 non voté"


def test_the_recorded_order_form_survives_an_import_line_in_the_history() -> None:
    """Head office's history of a converted offer ends with « Importée — Convertie », which
    carries no dates: the order form's were lost and a new one printed."""
    from datetime import datetime

    from desktop.core.offers import AuditEntry, contract_note, recorded_contract

    def entry(to: OfferState, why: str) -> AuditEntry:
        return AuditEntry(when=datetime(2026, 4, 1), who="x", action="etat", from_state=None, to_state=to,
                          why=why, offer_id="o1", number="OFF-2026-LAP1-0001")  # fmt: skip

    note = contract_note(date(2026, 4, 1), date(2026, 5, 1), 3)
    history = [entry(S.CONVERTIE, note), entry(S.CONVERTIE, "lot lot.zip de l'appareil LAP1")]
    assert recorded_contract(history) == (date(2026, 4, 1), date(2026, 5, 1), 3)
    assert recorded_contract(history[1:]) is None


def test_an_offer_s_days_are_read_on_the_laptop_s_calendar(brussels_time) -> None:
    """Stored times are UTC; 00:30 on 1 January in Brussels is 23:30 on 31 December in UTC.
    The offer is dated, and a draft named, after the local day."""
    from dataclasses import replace
    from datetime import UTC, datetime

    from lifecycle_factories import draft

    midnight_past = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    edited = replace(draft(), created=midnight_past, updated=midnight_past)
    assert edited.label == "Brouillon du 01/01/2027"
    assert edited.finalised_on is None
    assert replace(edited, finalised=midnight_past).finalised_on == date(2027, 1, 1)


def test_an_order_form_s_dates_are_checked_at_their_edges() -> None:
    """Signed the day the offer is accepted and taking effect the day of the offer, or two
    years on to the day: accepted. A day earlier, or a day later than two years: refused."""
    from desktop.core.offers import check_contract_dates

    offered, accepted = date(2026, 3, 2), date(2026, 4, 15)
    assert check_contract_dates(accepted, offered, offered=offered, accepted=accepted) == (accepted, offered)
    assert check_contract_dates(accepted, None, offered=offered, accepted=accepted) == (accepted, accepted)
    assert check_contract_dates(accepted, date(2028, 4, 15), offered=offered, accepted=accepted)[1] == date(
        2028, 4, 15
    )
    refused = [
        (date(2026, 4, 14), None, "issued"),  # the day before the acceptance
        (accepted, date(2026, 3, 1), "start"),  # the day before the offer
        (accepted, date(2028, 4, 16), "start"),  # two years and a day after the order form
    ]
    for issued, start, field in refused:
        with pytest.raises(InvalidInput) as info:
            check_contract_dates(issued, start, offered=offered, accepted=accepted)
        assert info.value.field == field
    # an order form of 29 February: its two-year bound is 28 February, not an error
    leap = date(2028, 2, 29)
    assert check_contract_dates(leap, date(2030, 2, 28), offered=None, accepted=None) == (leap, date(2030, 2, 28))
    with pytest.raises(InvalidInput):
        check_contract_dates(leap, date(2030, 3, 1), offered=None, accepted=None)
    # an order form of the 29th, 30th or 31st: two years on to the day too, not the 28th
    may = date(2026, 5, 31)
    assert check_contract_dates(may, date(2028, 5, 31), offered=None, accepted=None) == (may, date(2028, 5, 31))
    with pytest.raises(InvalidInput):
        check_contract_dates(may, date(2028, 6, 1), offered=None, accepted=None)


def test_an_offer_is_valid_for_its_days_after_it_is_finalised() -> None:
    from desktop.core.offers import validity_end

    assert validity_end(date(2026, 11, 22)) == date(2027, 2, 20)  # 90 days by default
    assert validity_end(date(2026, 11, 22), 1) == date(2026, 11, 23)  # the shortest validity
    with pytest.raises(InvalidInput) as info:
        validity_end(date(2026, 11, 22), 0)
    assert info.value.field == "validity_days"
