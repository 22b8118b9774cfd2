"""The offers store: drafts, finalisation, frozen offers, states, revisions, copies, tariff years."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from lifecycle_factories import (
    BLOCKING,
    Clock,
    FakeSettings,
    draft,
    fake_pdf,
    line,
    member,
)

from desktop.core.errors import (
    ChangedElsewhere,
    InvalidInput,
    NotFound,
    RuleViolation,
    StorageError,
)
from desktop.core.members import Member, MemberKind
from desktop.core.offers import ChangeKind, Offer, OfferState
from desktop.core.quote import LineRequest, LineStatus, TotalsCoverage
from desktop.store.database import Database
from desktop.store.offers_repo import OfferFilter, OfferRepository

D = Decimal
S = OfferState


def _finalised(repo: OfferRepository, **kw) -> Offer:  # type: ignore[no-untyped-def]
    d = repo.save_draft(draft(**kw))
    return repo.finalise(d.id, fake_pdf)


# --- drafts -------------------------------------------------------------------------------


def test_a_draft_round_trips_exactly(repo: OfferRepository) -> None:
    d = repo.save_draft(draft())
    got = repo.get(d.id)
    assert got == d
    assert got.quote is not None and got.quote.totals.one_time == D(9966)


def test_saving_again_updates_the_same_row_and_logs_creation_once(repo: OfferRepository) -> None:
    d = repo.save_draft(draft())
    d2 = repo.save_draft(replace(d, note="salon"))
    assert repo.get(d.id).note == "salon"
    assert d2.updated is not None and d.updated is not None and d2.updated > d.updated
    assert [e.action for e in repo.audit(d.id)] == ["creation"]
    assert len(repo.list()) == 1


def test_delete_only_drafts(repo: OfferRepository) -> None:
    d = repo.save_draft(draft())
    repo.delete_draft(d.id)
    with pytest.raises(NotFound):
        repo.get(d.id)
    assert [e.action for e in repo.audit(d.id)] == ["creation", "suppression"]
    f = _finalised(repo)
    with pytest.raises(RuleViolation, match="seuls les brouillons"):
        repo.delete_draft(f.number or "")


def test_get_by_prefix_number_and_errors(repo: OfferRepository) -> None:
    d = repo.save_draft(draft())
    assert repo.get(d.id[:6]).id == d.id
    with pytest.raises(NotFound, match="OFF-2026-LAP1-0009"):
        repo.get("OFF-2026-LAP1-0009")
    with pytest.raises(InvalidInput, match="ni un numéro d'offre"):
        repo.get("n'importe quoi")


def test_list_filters_by_state_text_member_and_date(repo: OfferRepository, clock: Clock) -> None:
    a = repo.save_draft(draft())
    other = member("Genappe", "25031", 15_000)
    b = repo.save_draft(draft(m=other, category="Cat 4"))
    f = repo.finalise(b.id, fake_pdf)
    assert {s.id for s in repo.list(OfferFilter(state=S.BROUILLON))} == {a.id}
    assert {s.id for s in repo.list(OfferFilter(state=S.FINALISEE))} == {f.id}
    assert {s.id for s in repo.list(OfferFilter(text="genappe"))} == {f.id}
    assert {s.id for s in repo.list(OfferFilter(text="DÉLIB niv"))} == {a.id}
    assert {s.id for s in repo.list(OfferFilter(text="off-2026-lap1"))} == {f.id}
    assert {s.id for s in repo.list(OfferFilter(member_id="commune:25072"))} == {a.id}
    assert repo.list(OfferFilter(since=date(2026, 3, 3))) == []
    assert len(repo.list(OfferFilter(since=date(2026, 3, 2)))) == 2
    s = repo.list(OfferFilter(state=S.FINALISEE))[0]
    assert (s.member_name, s.one_time, s.annual, s.partial) == ("Genappe", D(9966), D(3984), False)
    assert repo.list(OfferFilter(text="100%_")) == []


def test_list_finds_offers_by_the_initials_they_were_made_with(
    repo: OfferRepository, settings: FakeSettings
) -> None:
    """Offer numbers carry the device code, not the seller: typing the initials finds what
    that seller made, with the initials of the day it was made (case and accents ignored)."""
    settings.seller_initials = "JQ"
    made = _finalised(repo)
    kept = repo.save_draft(draft())
    settings.seller_initials = "ÉW"
    repo.save_draft(replace(kept, note="relu"))  # edited later: still made by JQ
    repo.set_state(made.number or "", S.ENVOYEE)  # ÉW only moved it along
    copy = repo.duplicate(made.id)

    def found(text: str) -> set[str]:
        return {s.id for s in repo.list(OfferFilter(text=text))}

    assert found("jq") == found("JQ") == found("nivel jq") == {made.id, kept.id}
    assert found("ew") == found("éW") == {copy.id}
    assert found(f"{made.number} jq") == {made.id}
    assert found("jq genappe") == set()


def test_list_finds_a_name_with_an_apostrophe_typed_or_not(repo: OfferRepository) -> None:
    """As the directory does: « braine lalleud » finds Braine-l’Alleud's offer."""
    braine = repo.save_draft(draft(m=member("Braine-l’Alleud", "25014")))
    repo.save_draft(draft())
    for text in ("braine lalleud", "Braine-l'Alleud", "l’alleud", "braine l alleud", "BRAINE-LALL"):
        assert [s.id for s in repo.list(OfferFilter(text=text))] == [braine.id], text


def _bastogne(db: Database) -> None:
    """Bastogne and its CPAS in the directory, Bastogne formed from Bastogne and Bertogne."""
    with db.transaction() as conn:
        conn.executemany(
            "INSERT INTO member (id, kind, name, nis, commune_id, created, updated) "
            "VALUES (?, ?, ?, ?, ?, '2026-01-01', '2026-01-01')",
            [
                ("commune:82039", "commune", "Bastogne", "82039", None),
                ("cpas:82039", "cpas", "Bastogne", None, "commune:82039"),
            ],
        )
        conn.executemany(
            "INSERT INTO former_commune (nis, position, former_nis, former_name, merged_on) "
            "VALUES ('82039', ?, ?, ?, '2025-01-01')",
            [(0, "82003", "Bastogne"), (1, "82005", "Bertogne")],
        )


def test_list_finds_a_merged_commune_s_offers_under_its_former_communes(
    repo: OfferRepository, db: Database
) -> None:
    """As the member search does: « Bertogne » found Bastogne in the directory, but none of
    its offers in the list. A former commune's name or NIS code finds the offers of the
    commune and of its CPAS, as the commune's own do."""
    _bastogne(db)
    commune = repo.save_draft(draft(m=member("Bastogne", "82039")))
    cpas = Member(id="cpas:82039", kind=MemberKind.CPAS, name="Bastogne", commune_id="commune:82039")
    social = repo.save_draft(draft(m=cpas))
    repo.save_draft(draft())  # Nivelles

    def found(text: str) -> set[str]:
        return {s.id for s in repo.list(OfferFilter(text=text))}

    assert found("Bertogne") == found("bertogn") == found("bastogne") == {commune.id, social.id}
    assert found("cpas bertogne") == {social.id}
    assert found("82005") == found("82039") == {commune.id, social.id}
    assert found("bertogne nivelles") == set()


def test_offers_saved_with_an_invisible_character_in_their_search_are_found_after_the_upgrade(
    tmp_path, clock: Clock, settings: FakeSettings  # type: ignore[no-untyped-def]
) -> None:
    """Versions that kept a pasted soft hyphen in the folded search text: « liege » did not
    find the offer of « Li\u00adège » in the list, though the directory found the member."""
    from lifecycle_factories import FakePricer, open_test_db

    from desktop.store.database import open_database

    path = tmp_path / "comptoir.sqlite3"
    db = open_test_db(path)
    repo = OfferRepository(db, settings=lambda: settings, pricer=FakePricer(), clock=clock)
    pasted = _finalised(repo, m=member("Li\u00adège", "62063"))
    plain = repo.save_draft(draft())
    # as the older versions stored it, and the schema they left
    db.conn.execute("UPDATE offers SET search = replace(search, 'liege', 'li' || char(173) || 'ege')")
    db.conn.execute("DELETE FROM schema_version WHERE version = 24")
    assert repo.list(OfferFilter(text="liege")) == []
    db.close()

    db = open_database(path, seed=False, backup_first=False)
    try:
        repo = OfferRepository(db, settings=lambda: settings, pricer=FakePricer(), clock=clock)
        assert [s.id for s in repo.list(OfferFilter(text="liege"))] == [pasted.id]
        assert [s.id for s in repo.list(OfferFilter(text="nivelles"))] == [plain.id]
    finally:
        db.close()


def test_list_says_which_totals_have_nothing_priced(repo: OfferRepository) -> None:
    gpec = line("gpec", None, "11450", name="iA.GPEC", status=LineStatus.SUR_DEVIS, unpriced=("one_time",))
    only_gpec = repo.save_draft(draft((gpec,)))
    with_delib = repo.save_draft(draft((line("delib", "4530", "2112", "5"), gpec)))
    frozen = _finalised(repo, lines=(gpec,))
    plain = repo.save_draft(draft())
    rows = {s.id: s for s in repo.list()}
    # iA.GPEC alone: the one-time total is 0 because nothing is priced in it, not a price
    for oid in (only_gpec.id, frozen.id):
        s = rows[oid]
        assert (s.one_time, s.annual, s.partial) == (D(0), D(11450), True)
        assert s.coverage == TotalsCoverage(one_time=False, annual=True, year1=True, year1_partial=True)
    # priced in part: the one-time total and year 1 leave the set-up out, the annual one is whole
    assert rows[with_delib.id].coverage == TotalsCoverage(one_time_partial=True, year1_partial=True)
    assert rows[plain.id].coverage == TotalsCoverage()
    assert {s.id: s.coverage for s in repo.versions(frozen.number or "")} == {
        frozen.id: TotalsCoverage(one_time=False, annual=True, year1=True, year1_partial=True)
    }



def test_offers_stored_before_the_coverage_column_are_read_once_then_listed_from_their_row(
    repo: OfferRepository, db: Database
) -> None:
    gpec = line("gpec", None, "11450", name="iA.GPEC", status=LineStatus.SUR_DEVIS, unpriced=("one_time",))
    frozen = _finalised(repo, lines=(line("delib", "4530", "2112", "5"), gpec))
    expected = TotalsCoverage(one_time_partial=True, year1_partial=True)
    assert {s.id: s.coverage for s in repo.list()}[frozen.id] == expected  # from the row
    db.conn.execute("UPDATE offers SET coverage = NULL")  # as a database of the version before
    assert {s.id: s.coverage for s in repo.list()}[frozen.id] == expected  # from its quote
    assert db.conn.execute("SELECT coverage FROM offers WHERE id = ?", (frozen.id,)).fetchone() != (None,)
    assert {s.id: s.coverage for s in repo.list()}[frozen.id] == expected  # from the row again


def test_an_unreadable_quote_does_not_stop_the_list(repo: OfferRepository, db: Database) -> None:
    gpec = line("gpec", None, "11450", name="iA.GPEC", status=LineStatus.SUR_DEVIS)
    d = repo.save_draft(draft((gpec,)))
    db.conn.execute("UPDATE offers SET quote_json = '{\"lines\": 3}' WHERE id = ?", (d.id,))
    (s,) = repo.list()
    assert s.id == d.id and s.annual == D(11450)


# --- finalising ----------------------------------------------------------------------------


def test_finalise_numbers_freezes_and_stores_the_pdf(repo: OfferRepository) -> None:
    d = repo.save_draft(draft())
    f = repo.finalise(d.id, fake_pdf)
    assert f.number == "OFF-2026-LAP1-0001"
    assert f.state is S.FINALISEE
    assert f.valid_until == date(2026, 5, 31)  # 2 March + 90 days
    assert repo.pdf(f.number) == fake_pdf(f)
    snap = repo.snapshot(f.number)
    assert snap["tariff"]["code"] == "imio-2026"
    assert snap["member"]["name"] == "Nivelles"
    assert snap["quote"]["lines"][0]["one_time"] == "4530"
    assert snap["decision"]["category"] == "Cat 5"
    assert repo.get(f.number) == replace(f, updated=repo.get(f.number).updated)
    assert [e.action for e in repo.audit(f.number)] == ["creation", "finalisation"]
    assert _finalised(repo).number == "OFF-2026-LAP1-0002"


def test_the_sequence_is_per_device_and_year(
    repo: OfferRepository, settings: FakeSettings, clock: Clock
) -> None:
    assert _finalised(repo).number == "OFF-2026-LAP1-0001"
    settings.device_code = "hq"
    assert _finalised(repo).number == "OFF-2026-HQ-0001"
    clock.now = datetime(2027, 1, 5, 10, tzinfo=UTC)
    assert _finalised(repo).number == "OFF-2027-HQ-0001"
    settings.device_code = "LAP1"
    assert _finalised(repo).number == "OFF-2027-LAP1-0001"


def test_finalise_takes_the_validity_and_seller_of_the_settings(
    repo: OfferRepository, settings: FakeSettings
) -> None:
    """A manager who set 30 days in the settings gets offers valid 30 days, not 90; a draft
    saved without a seller is signed with the settings' name."""
    settings.validity_days = 30
    settings.seller_name = "Marc Lenoir"
    unsigned = repo.save_draft(replace(draft(), seller=""))
    f = repo.finalise(unsigned.id, fake_pdf)
    assert f.valid_until == date(2026, 4, 1)  # 2 March + 30 days
    assert f.seller == "Marc Lenoir"


def test_a_failing_renderer_leaves_no_gap_and_no_half_offer(repo: OfferRepository) -> None:
    d = repo.save_draft(draft())

    def broken(_: Offer) -> bytes:
        raise RuntimeError("police introuvable")

    with pytest.raises(RuntimeError):
        repo.finalise(d.id, broken)
    after = repo.get(d.id)
    assert after.state is S.BROUILLON and after.number is None
    assert [e.action for e in repo.audit(d.id)] == ["creation"]
    with pytest.raises(StorageError, match="PDF"):
        repo.finalise(d.id, lambda _o: b"")
    assert repo.finalise(d.id, fake_pdf).number == "OFF-2026-LAP1-0001"


def test_finalise_refuses_a_draft_changed_elsewhere_since_the_window_read_it(
    repo: OfferRepository,
) -> None:
    """The window finalises what it shows: a change another program made in between (a line,
    a dérogation) or its deletion is refused in the numbering transaction, no number used."""
    shown = repo.save_draft(draft())
    more = replace(shown.request, lines=(*shown.request.lines, LineRequest("docs", {})))
    repo.save_draft(replace(shown, request=more), seen=shown)
    with pytest.raises(ChangedElsewhere, match="le finaliser figerait ce que votre écran ne montre pas"):
        repo.finalise(shown.id, fake_pdf, seen=shown)
    with pytest.raises(ChangedElsewhere):
        repo.check_unchanged(shown, finalising=True)
    assert repo.get(shown.id).number is None
    assert [e.action for e in repo.audit(shown.id)] == ["creation"]
    latest = repo.get(shown.id)
    repo.check_unchanged(latest, finalising=True)  # the version stored: nothing to say
    assert repo.finalise(shown.id, fake_pdf, seen=latest).number == "OFF-2026-LAP1-0001"
    gone = repo.save_draft(draft())
    repo.delete_draft(gone.id)
    with pytest.raises(ChangedElsewhere, match=r"supprimé par un autre programme.*puis finalisez"):
        repo.finalise(gone.id, fake_pdf, seen=gone)


def test_finalise_refuses_without_device_code_or_with_blocking_notices(
    repo: OfferRepository, settings: FakeSettings
) -> None:
    d = repo.save_draft(draft(notices=(BLOCKING,)))
    with pytest.raises(RuleViolation, match="Points bloquants"):
        repo.finalise(d.id, fake_pdf)
    settings.device_code = ""
    with pytest.raises(RuleViolation, match="code de cet appareil"):
        repo.finalise(d.id, fake_pdf)
    settings.device_code = "LAP-1"
    with pytest.raises(InvalidInput, match="Code d'appareil invalide"):
        repo.finalise(d.id, fake_pdf)


def test_a_finalised_offer_is_read_only_in_the_store_and_in_sqlite(
    repo: OfferRepository, db: Database
) -> None:
    f = _finalised(repo)
    with pytest.raises(RuleViolation, match="finalisée"):
        repo.save_draft(replace(f, state=S.BROUILLON, note="modifiée"))
    with pytest.raises(RuleViolation, match="déjà finalisée"):
        repo.finalise(f.id, fake_pdf)
    for sql in (
        "UPDATE offers SET quote_json = '{}' WHERE id = ?",
        "UPDATE offers SET pdf = x'00' WHERE id = ?",
        "UPDATE offers SET state = 'brouillon', number = NULL WHERE id = ?",
        "DELETE FROM offers WHERE id = ?",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="comptoir"):
            db.conn.execute(sql, (f.id,))
    with pytest.raises(sqlite3.IntegrityError, match="journal"):
        db.conn.execute("UPDATE audit_log SET why = 'x'")
    with pytest.raises(sqlite3.IntegrityError, match="journal"):
        db.conn.execute("DELETE FROM audit_log")
    assert repo.pdf(f.id) == fake_pdf(f)


def test_a_tampered_pdf_is_detected(repo: OfferRepository, db: Database) -> None:
    f = _finalised(repo)
    db.conn.execute("DROP TRIGGER offers_frozen")
    db.conn.execute("UPDATE offers SET pdf = ? WHERE id = ?", (b"%PDF-1.4 autre", f.id))
    with pytest.raises(StorageError, match="SHA-256"):
        repo.pdf(f.id)


def test_the_order_form_is_kept_as_first_printed_and_checked_when_read(repo: OfferRepository, db: Database) -> None:
    """The order form given again is the one first printed: a second print does not replace
    it, what is not a PDF is refused, and a kept one that no longer matches its fingerprint is
    reported, not handed out."""
    n = _finalised(repo).number or ""
    assert repo.order_form(n) is None  # nothing kept before the conversion
    repo.set_state(n, S.ENVOYEE)
    repo.set_state(n, S.ACCEPTEE)
    with pytest.raises(StorageError, match="bon de commande n'a pas pu être produit"):
        repo.keep_order_form(n, b"<html>")
    repo.convert(n, "bon de commande du 02/06/2026", b"%PDF-1.4 signe", 3)
    repo.keep_order_form(n, b"%PDF-1.4 reimprime", 4)
    assert repo.order_form(n) == (b"%PDF-1.4 signe", 3)
    db.conn.execute("DROP TRIGGER order_forms_no_update")
    db.conn.execute("UPDATE order_forms SET pdf = ?", (b"%PDF-1.4 autre",))
    with pytest.raises(StorageError, match="empreinte"):
        repo.order_form(n)


# --- states --------------------------------------------------------------------------------


def test_state_changes_follow_the_rules_and_are_audited(repo: OfferRepository) -> None:
    f = _finalised(repo)
    n = f.number or ""
    with pytest.raises(RuleViolation):
        repo.set_state(n, S.ACCEPTEE)
    repo.set_state(n, S.ENVOYEE, who="AD")
    with pytest.raises(InvalidInput, match="motif du refus"):
        repo.set_state(n, S.REFUSEE, "  ")
    repo.set_state(n, S.ACCEPTEE, who="AD")
    with pytest.raises(RuleViolation, match="bon de commande"):  # not without its order form
        repo.set_state(n, S.CONVERTIE, who="AD")
    repo.convert(n, "bon de commande du 02/06/2026", who="AD")
    log = repo.audit(n)
    assert [(e.action, e.from_state, e.to_state) for e in log] == [
        ("creation", None, S.BROUILLON),
        ("finalisation", S.BROUILLON, S.FINALISEE),
        ("etat", S.FINALISEE, S.ENVOYEE),
        ("etat", S.ENVOYEE, S.ACCEPTEE),
        ("etat", S.ACCEPTEE, S.CONVERTIE),
    ]
    assert repo.get(n).state is S.CONVERTIE


def test_refusal_keeps_its_reason(repo: OfferRepository) -> None:
    n = _finalised(repo).number or ""
    repo.set_state(n, S.ENVOYEE)
    repo.set_state(n, S.REFUSEE, "budget 2026 non voté")
    assert repo.audit(n)[-1].why == "budget 2026 non voté"


def test_expiry_is_read_from_the_validity_date(repo: OfferRepository, clock: Clock) -> None:
    n = _finalised(repo).number or ""
    repo.set_state(n, S.ENVOYEE)
    clock.now = datetime(2026, 6, 2, 9, tzinfo=UTC)  # validity ended on 31/05
    assert repo.list(OfferFilter(state=S.EXPIREE))[0].number == n
    assert repo.list(OfferFilter(state=S.ENVOYEE)) == []
    with pytest.raises(InvalidInput, match="a expiré le 31/05/2026"):
        repo.set_state(n, S.ACCEPTEE)
    repo.set_state(n, S.ACCEPTEE, "Collège du 28/05")
    assert repo.audit(n)[-1].from_state is S.EXPIREE


# --- revisions -----------------------------------------------------------------------------


def test_revise_creates_v2_and_finalising_it_supersedes_v1(repo: OfferRepository) -> None:
    v1 = _finalised(repo)
    n1 = v1.number or ""
    repo.set_state(n1, S.ENVOYEE)
    r = repo.revise(n1)
    assert (r.version, r.predecessor, r.state, r.number) == (2, n1, S.BROUILLON, None)
    assert repo.revise(n1).id == r.id  # the pending revision, not a second one
    assert repo.get(n1).state is S.ENVOYEE  # still valid until v2 is finalised
    edited = repo.save_draft(
        replace(r, quote=draft((line("delib", "4530", "2112", "5", name="iA.Délib"),)).quote)
    )
    v2 = repo.finalise(edited.id, fake_pdf)
    assert v2.number == f"{n1}-v2"
    assert repo.get(n1).state is S.REMPLACEE
    assert repo.audit(n1)[-1].why == f"remplacée par {n1}-v2"
    diff = repo.diff(n1, v2.number or "")
    assert [(d.kind, d.product) for d in diff.lines] == [(ChangeKind.REMOVED, "aes")]
    assert "Retiré : iA.AES" in diff.descriptions()[0]
    with pytest.raises(RuleViolation, match="déjà remplacée"):
        repo.revise(n1)
    v3 = repo.finalise(repo.revise(v2.number or "").id, fake_pdf)
    assert v3.number == f"{n1}-v3"
    assert [s.number for s in repo.versions(n1)] == [n1, f"{n1}-v2", f"{n1}-v3"]
    assert repo.get(v2.number or "").state is S.REMPLACEE
    # the number the user remembers is the first version's: the refusal names the one to move
    for old in (n1, v2.number or ""):
        with pytest.raises(RuleViolation, match=f"remplacée par {n1}-v3 : changez l'état de celle-ci"):
            repo.set_state(old, S.ACCEPTEE)
    assert repo.get(n1).state is S.REMPLACEE


def test_a_revision_draft_deleted_is_said_in_the_history_of_the_offer_it_revised(
    repo: OfferRepository,
) -> None:
    """The offer's history said « version 2 en préparation » for good once the draft of v2 was
    deleted: head office read a revision pending that would never come."""
    n1 = _finalised(repo).number or ""
    repo.delete_draft(repo.revise(n1).id)
    last = repo.audit(n1)[-1]
    assert last.description == "Révision abandonnée — brouillon de la version 2 supprimé"
    assert [e.action for e in repo.audit(n1)][-2:] == ["revision", "revision-abandon"]
    assert repo.revise(n1).version == 2  # revised again: version 2 once more, said again
    assert repo.audit(n1)[-1].why == "version 2 en préparation"


def test_accepted_or_draft_offers_cannot_be_revised(repo: OfferRepository) -> None:
    d = repo.save_draft(draft())
    with pytest.raises(RuleViolation, match="Impossible de réviser"):
        repo.revise(d.id)
    n = _finalised(repo).number or ""
    repo.set_state(n, S.ENVOYEE)
    repo.set_state(n, S.ACCEPTEE)
    with pytest.raises(RuleViolation, match="acceptée"):
        repo.revise(n)


def test_a_revision_of_an_offer_accepted_meanwhile_says_so_and_is_kept(repo: OfferRepository) -> None:
    """The member accepted v1 while its revision was a draft: finalising the revision spoke of
    « réviser », which the user was not doing."""
    n = _finalised(repo).number or ""
    repo.set_state(n, S.ENVOYEE)
    revision = repo.revise(n)
    repo.set_state(n, S.ACCEPTEE, "Collège du 12/03")
    with pytest.raises(RuleViolation) as refused:
        repo.finalise(revision.id, fake_pdf)
    assert str(refused.value) == (
        f"Cette révision ne peut plus remplacer l'offre {n}, devenue « Acceptée » entre-temps. "
        "Le brouillon est gardé : dupliquez-le (Offres enregistrées) pour en faire une nouvelle offre."
    )
    assert repo.get(revision.id).state is S.BROUILLON and repo.get(n).state is S.ACCEPTEE
    assert repo.duplicate(revision.id).is_draft  # the way out it names


# --- copies and tariff years ---------------------------------------------------------------


def test_duplicate_for_another_member_reprices_for_its_category(repo: OfferRepository) -> None:
    f = _finalised(repo)
    other = member("Genappe", "25031", 15_000)
    repo.pricer.categories[other.id] = "Cat 4"  # type: ignore[attr-defined]
    copy = repo.duplicate(f.number or "", other)
    assert copy.state is S.BROUILLON and copy.member_id == other.id
    assert copy.decision.category == "Cat 4"
    assert copy.request.tariff == "imio-2026"  # the grid in force today
    assert copy.quote is not None
    assert copy.quote.lines[0].one_time == D("5383.00")  # 4530 x 1.1 + 4 x 100
    assert repo.audit(copy.id)[0].why == f"copie de {f.number}"
    assert repo.get(f.number or "").state is S.FINALISEE


def test_a_copy_is_made_by_whoever_copies_it(repo: OfferRepository, settings) -> None:  # type: ignore[no-untyped-def]
    """« Établie par » on the copy: the seller of this device, not the original's."""
    f = _finalised(repo)
    assert f.seller == "Anne Dupont"
    settings.seller_name = "Marc Lambert"
    assert repo.duplicate(f.number or "").seller == "Marc Lambert"
    settings.seller_name = ""  # no seller set here: the original's name stays
    assert repo.duplicate(f.number or "").seller == "Anne Dupont"


def test_outdated_drafts_are_previewed_then_repriced(repo: OfferRepository) -> None:
    old = repo.save_draft(draft(tariff="imio-2024"))
    current = repo.save_draft(draft(tariff="imio-2026"))
    outdated = repo.outdated_drafts()
    assert [(o.summary.id, o.tariff, o.active) for o in outdated] == [
        (old.id, "imio-2024", "imio-2026")
    ]
    previews = repo.reprice_preview()
    assert len(previews) == 1
    p = previews[0]
    assert p.diff.tariff == ("imio-2024", "imio-2026")
    assert any("Total annuel" in t for t in p.diff.descriptions())
    assert repo.get(old.id).request.tariff == "imio-2024"  # preview writes nothing
    done = repo.reprice_apply(previews)
    assert [d.id for d in done] == [old.id]
    assert repo.get(old.id).request.tariff == "imio-2026"
    assert repo.outdated_drafts() == []
    assert repo.get(current.id).request.tariff == "imio-2026"
    assert repo.audit(old.id)[-1].why == "imio-2024 → imio-2026"


def test_outdated_drafts_are_found_without_reading_the_drafts_on_the_grid_in_force(
    repo: OfferRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The offers list asks at each search which drafts are on last year's grid: every draft
    of the laptop was read for it, a year of them a tenth of a second on the window's thread."""
    from desktop.store import offers_repo

    for _ in range(30):
        repo.save_draft(draft(tariff="imio-2026"))
    old = repo.save_draft(draft(tariff="imio-2024"))
    read: list[str] = []
    summary = offers_repo._summary
    monkeypatch.setattr(offers_repo, "_summary", lambda row, today: read.append(row[0]) or summary(row, today))
    assert [o.summary.id for o in repo.outdated_drafts()] == [old.id]
    assert read == [old.id]


def test_a_draft_s_versions_are_itself_read_alone(
    repo: OfferRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new draft has no number nor predecessor: every offer of the database was listed to
    find it again (``offers show --json``, ``offers copy --json``), a tenth of a second with a
    year of offers."""
    from desktop.store import offers_repo

    for _ in range(20):
        _finalised(repo)
    new = repo.save_draft(draft())
    read: list[str] = []
    summary = offers_repo._summary
    monkeypatch.setattr(offers_repo, "_summary", lambda row, today: read.append(row[0]) or summary(row, today))
    assert [s.id for s in repo.versions(new.id)] == [new.id]
    assert read == [new.id]


def test_the_offers_list_reads_one_index_not_the_rows_holding_the_pdfs(repo: OfferRepository) -> None:
    """A finalised offer's row holds its PDF and snapshot (some 90 KB), the dates the list
    shows stored after them: with a year of offers, the list and each search read hundreds of
    those rows page after page, from the disk at the first look. They read one index."""
    _finalised(repo)
    repo.save_draft(draft(tariff="imio-2024"))
    statements: list[str] = []
    repo.conn.set_trace_callback(statements.append)
    for flt in (
        OfferFilter(limit=500),
        OfferFilter(text="nivelles", limit=500),
        OfferFilter(text="ad"),  # initials, also looked up in the history
        OfferFilter(text="bertogne"),  # a former commune, looked up in the directory
        OfferFilter(state=S.EXPIREE),
        OfferFilter(state=S.BROUILLON, limit=1),
        OfferFilter(since=date(2026, 1, 1)),
    ):
        repo.list_offers(flt)
    assert len(repo.outdated_drafts()) == 1
    repo.conn.set_trace_callback(None)
    listed = [sql for sql in statements if sql.startswith("SELECT") and "FROM offers" in sql]
    assert len(listed) == 9
    for sql in listed:
        plan = [row[3] for row in repo.conn.execute("EXPLAIN QUERY PLAN " + sql)]
        assert any("offers USING COVERING INDEX" in step for step in plan), (sql, plan)


def test_a_draft_on_a_tariff_no_longer_in_force_is_repriced_before_finalising(
    repo: OfferRepository,
) -> None:
    old = repo.save_draft(draft(tariff="imio-2024"))
    with pytest.raises(RuleViolation, match="plus en vigueur"):
        repo.finalise(old.id, fake_pdf)
    assert repo.get(old.id).number is None  # nothing numbered, nothing frozen
    repo.reprice_apply(repo.reprice_preview([old.id]))
    done = repo.finalise(old.id, fake_pdf)
    assert done.number is not None and done.request.tariff == "imio-2026"


def test_reprice_apply_refuses_if_the_draft_changed_since_the_preview(
    repo: OfferRepository,
) -> None:
    old = repo.save_draft(draft(tariff="imio-2024"))
    previews = repo.reprice_preview()
    repo.save_draft(replace(repo.get(old.id), note="modifié"))
    with pytest.raises(RuleViolation, match="a changé depuis l'aperçu"):
        repo.reprice_apply(previews)
    assert repo.get(old.id).request.tariff == "imio-2024"


def test_last_draft_is_the_one_edited_last(repo: OfferRepository) -> None:
    assert repo.last_draft() is None
    a = repo.save_draft(draft())
    b = repo.save_draft(draft())
    repo.save_draft(repo.get(a.id))
    last = repo.last_draft()
    assert last is not None and last.id == a.id
    assert b.id != a.id


@pytest.mark.parametrize("before", [1, 0])
def test_a_restored_older_database_never_gives_a_number_again(tmp_path, clock, before: int) -> None:  # type: ignore[no-untyped-def]
    """OFF-…-0002 was finalised (and sent, exported) after the backup; the restore brings back
    a database without it. The next offer must not be numbered 0002 a second time. The same
    for a backup taken before the laptop's very first offer: 0001 is not given twice."""
    import shutil

    from lifecycle_factories import FakePricer, FakeSettings, open_test_db

    path = tmp_path / "comptoir.sqlite3"
    db = open_test_db(path)
    repo = OfferRepository(db, settings=FakeSettings, pricer=FakePricer(), clock=clock)
    kept = [_finalised(repo).number for _ in range(before)]
    backup = tmp_path / "copie.sqlite3"
    with sqlite3.connect(backup) as copy:
        db.conn.backup(copy)
    copy.close()
    lost = _finalised(repo)
    assert (lost.number or "").endswith(f"-000{before + 1}")
    db.close()
    for side in ("-wal", "-shm"):
        (tmp_path / f"comptoir.sqlite3{side}").unlink(missing_ok=True)
    shutil.copyfile(backup, path)  # what « Restaurer la base » does, in short

    db = open_test_db(path)
    try:
        repo = OfferRepository(db, settings=FakeSettings, pricer=FakePricer(), clock=clock)
        assert [o.number for o in repo.list_offers()] == kept  # the last one is gone
        assert (_finalised(repo).number or "").endswith(f"-000{before + 2}")
    finally:
        db.close()


def test_a_clock_set_back_numbers_nothing_until_the_date_is_confirmed(
    repo: OfferRepository, settings: FakeSettings, clock: Clock
) -> None:
    """A flat battery sets the clock to 2000: the offer was numbered OFF-2000-… and valid until
    a day long past. The user who knows the date is right (the last offer was dated on a clock
    set ahead) confirms it. Another device's later offers (head office imports them) do not
    count."""
    assert _finalised(repo).number == "OFF-2026-LAP1-0001"
    back = repo.save_draft(draft())
    clock.now = datetime(2000, 1, 1, 0, 5, tzinfo=UTC)
    last = r"antérieure à celle de la dernière offre finalisée sur cet appareil \(02/03/2026\)"
    with pytest.raises(RuleViolation, match=last):
        repo.finalise(back.id, fake_pdf)
    assert repo.get(back.id).state is S.BROUILLON
    clock.now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)  # the last offer was dated ahead: said so
    assert repo.finalise(back.id, fake_pdf, date_confirmed=True).number == "OFF-2026-LAP1-0002"
    back = repo.save_draft(draft())
    clock.now = datetime(2000, 1, 1, 0, 5, tzinfo=UTC)
    settings.device_code = "LAP2"
    assert repo.finalise(back.id, fake_pdf).number == "OFF-2000-LAP2-0001"
    settings.device_code = "LAP1"
    clock.now = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # the same day, an hour earlier: fine
    assert _finalised(repo).number == "OFF-2026-LAP1-0003"
