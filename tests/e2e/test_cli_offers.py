"""``comptoir quote --save`` and ``comptoir offers|catalogue|backup|restore`` in real processes."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from cli_results import ok, refused

pytestmark = [pytest.mark.e2e, pytest.mark.slow]



@pytest.fixture
def store(db_path: Path) -> Path:
    """A seeded database whose settings give this device the code LAP1."""
    pytest.importorskip("desktop.store.members_repo", reason="répertoire des membres pas encore là")
    settings_repo = pytest.importorskip(
        "desktop.store.settings_repo", reason="réglages pas encore là"
    )
    from dataclasses import replace

    from desktop.store.database import open_database

    db = open_database(db_path)
    try:
        repo = settings_repo.SettingsRepository(db)
        repo.save(replace(repo.load(), device_code="LAP1", seller_name="Anne Dupont"))
    finally:
        db.close()
    return db_path






def _save_draft(run_comptoir, *extra: str) -> str:  # type: ignore[no-untyped-def]
    out = ok(
        run_comptoir(
            "quote", "--member", "Nivelles", "--product", "delib", "--product", "aes",
            "--param", "aes:schools=9", *extra, "--save",
        )
    )  # fmt: skip
    m = re.search(r"Brouillon enregistré : ([0-9a-f]{32})", out)
    assert m, out
    return m.group(1)


def test_quote_save_then_the_whole_lifecycle(store: Path, run_comptoir, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    draft_id = _save_draft(run_comptoir)
    listed = json.loads(ok(run_comptoir("offers", "list", "--state", "brouillon", "--json")))
    assert [o["id"] for o in listed] == [draft_id]
    assert listed[0]["member_name"] == "Nivelles" and listed[0]["number"] is None

    pdf1 = tmp_path / "offre.pdf"
    finalised = run_comptoir("offers", "finalize", draft_id[:8], "--pdf", pdf1)
    out = ok(finalised)
    assert finalised.stderr.startswith(  # numbered all the same: the placeholders show
        "Attention : en-tête incomplet, forme juridique, numéro d'entreprise, IBAN figurent"
    )
    number = re.search(r"(OFF-\d{4}-LAP1-0001)", out)
    assert number, out
    n = number.group(1)
    assert pdf1.read_bytes().startswith(b"%PDF")

    shown = json.loads(ok(run_comptoir("offers", "show", n, "--json")))
    assert shown["state"] == "finalisee" and shown["number"] == n
    assert [h["action"] for h in shown["history"]] == ["creation", "finalisation"]
    text = ok(run_comptoir("offers", "show", n))
    assert "Finalisée" in text and "Historique" in text

    refused(run_comptoir("offers", "set-state", n, "acceptee"), "refusé")
    ok(run_comptoir("offers", "set-state", n, "envoyee"))
    # the window's sentence, and the option that gives the reason here
    refused(run_comptoir("offers", "set-state", n, "refusee"), "motif du refus", "--reason « motif »")
    refused(run_comptoir("offers", "set-state", n, "signée"), "États à choisir")

    rev = re.search(r"brouillon ([0-9a-f]{32})", ok(run_comptoir("offers", "revise", n)))
    assert rev
    listed = ok(run_comptoir("offers", "list", "--state", "brouillon"))
    assert f"brouillon {rev.group(1)[:8]} (révision de {n})" in listed  # as the window says
    v2_pdf = tmp_path / "v2.pdf"
    out = ok(run_comptoir("offers", "finalize", rev.group(1), "--pdf", v2_pdf))
    assert f"{n}-v2" in out
    from pypdf import PdfReader

    text = " ".join(" ".join(page.extract_text() for page in PdfReader(v2_pdf).pages).split())
    assert f"Remplace l'offre : {n}" in text  # the member must not sign both
    assert json.loads(ok(run_comptoir("offers", "show", n, "--json")))["state"] == "remplacee"
    diff = json.loads(ok(run_comptoir("offers", "diff", n, f"{n}-v2", "--json")))
    assert diff["descriptions"] == ["Aucune différence."]
    refused(run_comptoir("offers", "finalize", rev.group(1)), "déjà finalisée")


def test_offers_list_and_show_never_print_a_one_time_total_with_nothing_priced_as_zero(
    store: Path, run_comptoir  # type: ignore[no-untyped-def]
) -> None:
    saved = ok(run_comptoir("quote", "--member", "Nivelles", "--product", "gpec", "--save"))
    m = re.search(r"Brouillon enregistré : ([0-9a-f]{32})", saved)
    assert m, saved
    n = re.search(r"(OFF-\d{4}-LAP1-\d{4})", ok(run_comptoir("offers", "finalize", m.group(1))))
    assert n
    partly = _save_draft(run_comptoir)  # Délib + AES: everything priced
    listed = ok(run_comptoir("offers", "list"))
    gpec_row = next(r for r in listed.splitlines() if r.startswith(n.group(1)))
    assert re.search(r"Cat 5\s+Sur devis\s+11\u202f450,00\s€", gpec_row), gpec_row
    assert not re.search(r"(?<![\d\u202f])0,00", gpec_row)  # no bare zero
    other = next(r for r in listed.splitlines() if r.startswith(f"brouillon {partly[:8]}"))
    assert "Sur devis" not in other
    # JSON: a total with nothing priced in it is null, as a line not priced is, never "0.00"
    rows = {o["number"] or o["id"]: o for o in json.loads(ok(run_comptoir("offers", "list", "--json")))}
    g = rows[n.group(1)]
    assert (g["one_time"], g["annual"], g["partial"]) == (None, "11450.00", True)
    assert (g["one_time_priced"], g["annual_priced"], g["year1_priced"]) == (False, True, True)
    assert rows[partly]["one_time_priced"] is True
    detail = json.loads(ok(run_comptoir("offers", "show", n.group(1), "--json")))
    assert (detail["totals"]["one_time"], detail["totals"]["annual"]) == (None, "11450.00")
    inner = detail["quote"]["totals"]  # the quote's own totals said "0.00" for the one-time
    assert (inner["one_time"], inner["annual"], inner["indexation"]) == (None, "11450.00", "0.02")
    shown = ok(run_comptoir("offers", "show", n.group(1)))
    shown = shown.replace("\xa0", " ")
    assert "iA.GPEC — unique sur devis ; annuel 11\u202f450,00 €" in shown
    assert "Totaux : unique sur devis ; annuel 11\u202f450,00 € ; année 1 11\u202f450,00 €" in shown


def test_a_finalised_offer_reprints_byte_identically_after_catalogue_and_member_edits(
    store: Path,
    run_comptoir,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    draft_id = _save_draft(run_comptoir)
    first = tmp_path / "premier.pdf"
    out = ok(run_comptoir("offers", "finalize", draft_id, "--pdf", first))
    n = re.search(r"(OFF-\d{4}-LAP1-\d{4})", out).group(1)  # type: ignore[union-attr]
    snapshot_before = json.loads(ok(run_comptoir("offers", "show", n, "--json")))
    conn = sqlite3.connect(store, isolation_level=None)
    conn.execute("UPDATE price_cell SET amount = '99999' WHERE state = 'priced'")
    conn.execute(
        "UPDATE member SET ref_size = 150000, name = 'Nivelles-la-Grande' WHERE nis = '25072'"
    )
    conn.close()
    again = tmp_path / "reimpression.pdf"
    ok(run_comptoir("offers", "pdf", n, "--out", again))
    assert again.read_bytes() == first.read_bytes()
    after = json.loads(ok(run_comptoir("offers", "show", n, "--json")))
    for key in ("quote", "member", "decision", "request", "pdf_sha256"):
        assert after[key] == snapshot_before[key]
    # the same lines quoted today are priced on the edited catalogue: the freeze is real
    today = json.loads(
        ok(run_comptoir("quote", "--member", "25072", "--product", "delib", "--json"))
    )
    assert "99999" in json.dumps(today)


def _copy(source: Path, target: Path) -> Path:
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    src.backup(dst)
    src.close()
    dst.close()
    return target


def test_offers_travel_to_head_office_and_the_catalogue_comes_back(
    store: Path,
    run_comptoir,
    tmp_path: Path,
    seeded_db_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    hq = _copy(seeded_db_path, tmp_path / "siege.db")
    numbers = []
    for _ in range(2):
        out = ok(run_comptoir("offers", "finalize", _save_draft(run_comptoir)))
        numbers.append(re.search(r"(OFF-\d{4}-LAP1-\d{4})", out).group(1))  # type: ignore[union-attr]
    ok(run_comptoir("offers", "set-state", numbers[0], "envoyee"))
    _save_draft(run_comptoir)  # a draft stays on the laptop

    lot = tmp_path / "lot.zip"
    assert "2 offre(s) exportée(s)" in ok(
        run_comptoir("offers", "export", "--since", "2020-01-01", "--out", lot)
    )
    first = json.loads(ok(run_comptoir("--db", hq, "offers", "import", lot, "--json")))
    assert sorted(first["imported"]) == sorted(numbers) and first["device"] == "LAP1"
    second = json.loads(ok(run_comptoir("--db", hq, "offers", "import", lot, "--json")))
    assert second["imported"] == [] and sorted(second["identical"]) == sorted(numbers)
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    ok(run_comptoir("offers", "pdf", numbers[0], "--out", a))
    ok(run_comptoir("--db", hq, "offers", "pdf", numbers[0], "--out", b))
    assert a.read_bytes() == b.read_bytes()
    shown = json.loads(ok(run_comptoir("--db", hq, "offers", "show", numbers[0], "--json")))
    assert shown["effective_state"] == "envoyee"

    # head office changes a price and publishes the catalogue; the laptop keeps its offers
    conn = sqlite3.connect(hq, isolation_level=None)
    conn.execute("UPDATE price_cell SET amount = '12345' WHERE state = 'priced'")
    conn.close()
    cat = tmp_path / "catalogue.zip"
    ok(run_comptoir("--db", hq, "catalogue", "export", "--out", cat))
    before = json.loads(ok(run_comptoir("offers", "list", "--json")))
    out = ok(run_comptoir("catalogue", "import", cat))
    assert "importés" in out
    after = json.loads(ok(run_comptoir("offers", "list", "--json")))
    # finalised offers keep their frozen prices; the draft follows the catalogue, and says so
    assert [o for o in after if o["number"]] == [o for o in before if o["number"]]
    (draft_before,) = [o for o in before if not o["number"]]
    (draft_after,) = [o for o in after if not o["number"]]
    assert draft_after["id"] == draft_before["id"] and draft_after["annual"] != draft_before["annual"]
    assert "Brouillons recalculés sur ce catalogue (1) : Nivelles (brouillon du " in out
    quote = json.loads(
        ok(run_comptoir("quote", "--member", "25072", "--product", "delib", "--json"))
    )
    assert "12345" in json.dumps(quote)
    refused(run_comptoir("offers", "import", cat), "lot de catalogue")


def test_backup_and_restore_from_the_command_line(
    store: Path, run_comptoir, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    kept = _save_draft(run_comptoir)
    copy = tmp_path / "sauvegarde.db"
    assert "Sauvegarde écrite" in ok(run_comptoir("backup", "--out", copy))
    later = _save_draft(run_comptoir)
    out = ok(run_comptoir("restore", copy))
    assert "ancienne base est conservée" in out
    ids = [o["id"] for o in json.loads(ok(run_comptoir("offers", "list", "--json")))]
    assert kept in ids and later not in ids
    # a window open on the database: restore is refused
    from desktop.store.instance_lock import InstanceLock

    with InstanceLock(store):
        refused(run_comptoir("restore", copy), "fermez l'application")


def test_bad_dates_and_paths_are_refused_in_french(
    store: Path, run_comptoir, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    refused(
        run_comptoir("offers", "export", "--since", "31-12-2026", "--out", tmp_path / "x.zip"),
        "par exemple 15/03/2026 (ou 2026-03-15)",
    )
    refused(
        run_comptoir("offers", "list", "--since", "31/02/2026"),
        "Date impossible",
    )
    refused(run_comptoir("offers", "import", tmp_path / "absent.zip"), "introuvable")
    (tmp_path / "faux.zip").write_text("pas un lot")
    refused(run_comptoir("offers", "import", tmp_path / "faux.zip"), "pas un lot Comptoir")
    refused(run_comptoir("offers", "show", "OFF-2026-LAP1-9999"), "Aucune offre")
    refused(run_comptoir("offers", "finalize", "zz"), "ni un numéro d'offre")
    said = refused(run_comptoir("restore", tmp_path / "faux.zip"), "pas une sauvegarde Comptoir")
    assert "archive zip" not in said
    lot = tmp_path / "lot.zip"
    ok(run_comptoir("catalogue", "export", "--out", lot))
    refused(  # a bundle given to restore: where it goes instead
        run_comptoir("restore", lot),
        "C'est une archive zip : un lot d'offres s'importe par Fichier > Importer des offres… "
        "(comptoir offers import), un catalogue par Fichier > Importer le catalogue… "
        "(comptoir catalogue import). Rien n'a été modifié.",
    )
    refused(run_comptoir("backup", "--out", tmp_path / "nulle" / "part.db"), "n'existe pas")
    ok(run_comptoir("offers", "list", "--since", "01/01/2026"))


def test_a_script_chains_the_lifecycle_on_what_each_json_gives(
    store: Path, run_comptoir, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """finalize, revise and copy printed French text only: a script had to pick the number and
    the new draft's id out of a sentence."""

    def run_json(*args: object) -> dict:  # type: ignore[type-arg]
        data: dict = json.loads(ok(run_comptoir(*args, "--json")))  # type: ignore[type-arg]
        return data

    saved = run_json("quote", "--member", "Nivelles", "--product", "delib", "--save")
    draft = saved["id"]  # the saved draft's id under the name finalize, revise and copy give it
    assert saved["offer_id"] == draft
    pdf = tmp_path / "offre.pdf"
    frozen = run_json("offers", "finalize", draft, "--pdf", pdf)
    assert (frozen["id"], frozen["state"], frozen["pdf"]) == (draft, "finalisee", str(pdf))
    assert re.fullmatch(r"OFF-\d{4}-LAP1-0001", frozen["number"])
    assert frozen["valid_until"] and frozen["annual"] == "8927.00"
    listed = json.loads(ok(run_comptoir("offers", "list", "--json")))
    assert {k: v for k, v in frozen.items() if k != "pdf"} == listed[0]
    ok(run_comptoir("offers", "set-state", frozen["number"], "envoyee"))
    revision = run_json("offers", "revise", frozen["number"])
    assert (revision["version"], revision["predecessor"], revision["state"]) == (2, frozen["number"], "brouillon")
    second = run_json("offers", "finalize", revision["id"])
    assert (second["number"], second["pdf"]) == (frozen["number"] + "-v2", None)
    copy = run_json("offers", "copy", second["number"], "--member", "Namur")
    assert (copy["member_name"], copy["category"], copy["number"]) == ("Namur", "Cat 7", None)
    assert run_json("offers", "show", copy["id"])["state"] == "brouillon"


def test_drafts_on_an_outdated_tariff_are_repriced_after_a_preview(
    store: Path, run_comptoir, next_year
) -> None:  # type: ignore[no-untyped-def]
    draft_id = _save_draft(run_comptoir)
    assert "Aucun brouillon" in ok(run_comptoir("offers", "reprice"))
    next_year(store, valid_from=date(2026, 1, 1))
    preview = json.loads(ok(run_comptoir("offers", "reprice", "--json")))
    assert [(p["id"], p["from"], p["to"]) for p in preview] == [
        (draft_id, "imio-2024", "imio-2026")
    ]
    assert any(t.startswith("Total annuel") for t in preview[0]["descriptions"])
    shown = json.loads(ok(run_comptoir("offers", "show", draft_id, "--json")))
    assert shown["request"]["tariff"] == "imio-2024"  # the preview wrote nothing
    assert "1 brouillon(s) recalculé(s)" in ok(run_comptoir("offers", "reprice", "--apply"))
    shown = json.loads(ok(run_comptoir("offers", "show", draft_id, "--json")))
    assert shown["request"]["tariff"] == "imio-2026"
    assert [h["action"] for h in shown["history"]][-1] == "reprix"
    assert "Aucun brouillon" in ok(run_comptoir("offers", "reprice"))


def test_a_draft_with_a_product_the_new_grid_withdrew_does_not_stop_the_others(
    store: Path, run_comptoir, next_year
) -> None:  # type: ignore[no-untyped-def]
    """Head office withdrew iA.Ideabox from next year's grid: that draft is named, with what
    to do, and left as it was; every other outdated draft is re-priced. Before, the whole
    command stopped on « Produit inconnu » without saying which draft."""
    kept = _save_draft(run_comptoir)
    out = ok(run_comptoir("quote", "--member", "Namur", "--product", "ideabox", "--save", "--json"))
    withdrawn = json.loads(out)["offer_id"]
    code = next_year(store, valid_from=date(2026, 1, 1))
    with sqlite3.connect(store) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("DELETE FROM product WHERE tariff = ? AND code = 'ideabox'", (code,))
    preview = ok(run_comptoir("offers", "reprice"))
    assert "(Nivelles) : imio-2024 → imio-2026\n" in preview
    assert (
        "(Namur) : imio-2024 → imio-2026 impossible, brouillon laissé tel quel. Le tarif "
        "imio-2026 n'a pas (ou plus) le produit « ideabox » : retirez cette ligne ou "
        "remplacez-la par un produit du catalogue. Ouvrez-le dans l'application (Offres enregistrées), puis "
        "relancez comptoir offers reprice."
    ) in preview
    applied = json.loads(ok(run_comptoir("offers", "reprice", "--apply", "--json")))
    assert [(p["id"], p["applied"], p.get("error", "")[:29]) for p in applied] == [
        (kept, True, ""),
        (withdrawn, False, "Le tarif imio-2026 n'a pas (o"),
    ]
    tariffs = {
        i: json.loads(ok(run_comptoir("offers", "show", i, "--json")))["request"]["tariff"]
        for i in (kept, withdrawn)
    }
    assert tariffs == {kept: code, withdrawn: "imio-2024"}


def test_a_draft_holding_a_product_head_office_withdrew_is_not_finalised_on_its_old_price(
    store: Path, run_comptoir
) -> None:  # type: ignore[no-untyped-def]
    """A catalogue import took iA.Ideabox out of the grid in force: the draft that held it kept
    its old figures (nothing can price it now), and ``offers finalize`` froze and numbered it
    with a product head office no longer sells."""
    out = ok(run_comptoir("quote", "--member", "Namur", "--product", "ideabox", "--save", "--json"))
    draft = json.loads(out)["offer_id"]
    with sqlite3.connect(store) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("DELETE FROM product WHERE tariff = 'imio-2024' AND code = 'ideabox'")
    refused(
        run_comptoir("offers", "finalize", draft),
        "Ce brouillon ne peut plus être finalisé tel quel : Le tarif imio-2024 n'a pas (ou plus) "
        "le produit « ideabox »",
    )
    shown = json.loads(ok(run_comptoir("offers", "show", draft, "--json")))
    assert shown["number"] is None and shown["state"] == "brouillon"


def test_reprice_apply_json_says_what_was_recalculated_and_null_for_a_total_gone_sur_devis(
    store: Path, run_comptoir, next_year
) -> None:  # type: ignore[no-untyped-def]
    """``--apply --json`` printed the French text; a total the new grid no longer prices read
    "0.00" where ``offers diff --json`` says null."""
    out = ok(run_comptoir("quote", "--member", "Nivelles", "--product", "gpec", "--save", "--json"))
    draft_id = json.loads(out)["offer_id"]
    code = next_year(store, valid_from=date(2026, 1, 1))
    with sqlite3.connect(store) as conn:  # the new grid quotes iA.GPEC for category 5
        conn.execute(
            "UPDATE price_cell SET state = 'sur_devis', amount = NULL "
            "WHERE tariff = ? AND price_table = 'T7' AND key = 'Cat 5'",
            (code,),
        )
    applied = json.loads(ok(run_comptoir("offers", "reprice", "--apply", "--json")))
    assert [(p["id"], p["to"], p["applied"]) for p in applied] == [(draft_id, code, True)]
    annual = next(t for t in applied[0]["diff"]["totals"] if t["field"] == "annual")
    assert (annual["old"], annual["new"], annual["new_priced"]) == ("11450.00", None, False)
    assert json.loads(ok(run_comptoir("offers", "show", draft_id, "--json")))["request"]["tariff"] == code
    assert json.loads(ok(run_comptoir("offers", "reprice", "--apply", "--json"))) == []


def test_copy_an_offer_for_another_member_and_delete_a_draft(store: Path, run_comptoir) -> None:  # type: ignore[no-untyped-def]
    """What the window's offers list does (duplicate, also for another member; delete a
    draft), from a shell."""
    draft = _save_draft(run_comptoir)
    finalized = ok(run_comptoir("offers", "finalize", draft))
    number = re.search(r"(OFF-\d{4}-LAP1-\d{4})", finalized).group(1)  # type: ignore[union-attr]

    out = ok(run_comptoir("offers", "copy", number, "--member", "Tournai"))
    copy = re.search(r"Copie pour Tournai \((Cat \d), imio-2024\) : brouillon ([0-9a-f]{32})", out)
    assert copy, out
    shown = json.loads(ok(run_comptoir("offers", "show", copy.group(2), "--json")))
    original = json.loads(ok(run_comptoir("offers", "show", number, "--json")))
    assert shown["state"] == "brouillon" and shown["member"]["name"] == "Tournai"
    assert [line["product"] for line in shown["request"]["lines"]] == ["delib", "aes"]
    assert shown["decision"]["category"] == copy.group(1)
    assert shown["quote"]["totals"] != original["quote"]["totals"]  # re-priced for Tournai
    assert [h["action"] for h in shown["history"]] == ["duplication"]

    same = re.search(r"Copie pour Nivelles .* brouillon ([0-9a-f]{32})", ok(run_comptoir("offers", "copy", draft[:8])))
    assert same

    refused(run_comptoir("offers", "delete", number), "finalisée", "seuls les brouillons")
    refused(run_comptoir("offers", "copy", number, "--member", "Atlantide"), "Atlantide")
    refused(run_comptoir("offers", "delete", "zz"), "ni un numéro d'offre")
    out = ok(run_comptoir("offers", "delete", copy.group(2)))
    assert out.strip() == f"Brouillon {copy.group(2)} supprimé (Tournai)."
    refused(run_comptoir("offers", "show", copy.group(2)), "Aucune offre")
    listed = json.loads(ok(run_comptoir("offers", "list", "--json")))
    assert sorted(o["id"] for o in listed) == sorted([original["id"], same.group(1)])


def test_a_category_chosen_for_one_quote_is_not_saved_as_a_draft(store: Path, run_comptoir) -> None:  # type: ignore[no-untyped-def]
    """A saved draft follows its member's category in the directory: one given on the command
    line would vanish at the next member edit or catalogue import."""
    refused(
        run_comptoir(
            "quote", "--member", "Nivelles", "--product", "delib",
            "--category", "Cat 3", "--reason", "test", "--save",
        ),
        "Catégorie du membre",
    )  # fmt: skip
    assert json.loads(ok(run_comptoir("offers", "list", "--json"))) == []
    # the same figures without --save, and a hypothetical member of that category, still work
    chosen = ("--category", "Cat 3", "--reason", "test", "--product", "delib")
    ok(run_comptoir("quote", "--member", "Nivelles", *chosen))
    ok(run_comptoir("quote", "--kind", "autre", *chosen, "--save"))


def test_finalize_checks_its_pdf_path_first_and_a_draft_is_not_exported(
    store: Path, run_comptoir, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    """« --pdf » to a missing folder numbered the offer, then failed: a retry said « déjà
    finalisée ». A draft named to export gave an empty bundle and status 0."""
    draft = _save_draft(run_comptoir)
    refused(run_comptoir("offers", "finalize", draft[:8], "--pdf", tmp_path / "nulle-part" / "x.pdf"))
    assert json.loads(ok(run_comptoir("offers", "list", "--json")))[0]["number"] is None  # not numbered
    refused(run_comptoir("offers", "export", "--number", draft[:8], "--out", tmp_path / "lot.zip"),
            "seules les offres finalisées voyagent")  # fmt: skip
    assert not (tmp_path / "lot.zip").exists()


def test_a_pdf_windows_will_not_replace_leaves_the_way_to_the_finalised_offers_pdf(
    store: Path, run_comptoir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
    capsys: pytest.CaptureFixture[str],
) -> None:
    """« --pdf offre.pdf » while a PDF reader shows offre.pdf: Windows refuses to replace it
    once the offer is numbered. « Fermez-le puis recommencez » alone led to a second finalize,
    refused as « déjà finalisée, révisez-la »: the message says how to get the PDF."""
    import os

    from desktop import cli
    from desktop.store import files

    draft = _save_draft(run_comptoir)
    shown = tmp_path / "dossier de Frédéric" / "offre.pdf"
    shown.parent.mkdir()
    shown.write_bytes(b"ancien")
    real_replace = os.replace

    def held(src: object, dst: object) -> None:
        if Path(str(dst)) == shown:
            error = OSError(13, "Le processus ne peut pas accéder au fichier", str(dst))
            error.winerror = 32  # type: ignore[attr-defined]  # ERROR_SHARING_VIOLATION
            raise error
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(files, "REPLACE_PATIENCE", 0.1)
    monkeypatch.setattr(os, "replace", held)
    assert cli.run(["--db", str(store), "offers", "finalize", draft[:8], "--pdf", str(shown)]) == 2
    err = capsys.readouterr().err
    number = re.search(r"L'offre (OFF-\d{4}-LAP1-0001) est finalisée, mais son PDF n'a pas été écrit", err)
    assert number, err
    assert "ouvert dans un autre programme" in err
    assert f'comptoir offers pdf {number.group(1)} --out "{shown}"' in err
    assert shown.read_bytes() == b"ancien"
    monkeypatch.setattr(os, "replace", real_replace)  # the reader closed: the command given works
    assert cli.run(["--db", str(store), "offers", "pdf", number.group(1), "--out", str(shown)]) == 0
    assert shown.read_bytes().startswith(b"%PDF")


def test_set_state_lists_the_states_one_sets_and_a_note_needs_save(store: Path, run_comptoir) -> None:  # type: ignore[no-untyped-def]
    err = refused(run_comptoir("offers", "set-state", "OFF-2026-LAP1-0001", "foo"), "États à choisir : envoyee")
    assert "brouillon" not in err and "expiree" not in err  # not states one can choose
    note_alone = run_comptoir("quote", "--member", "Nivelles", "--product", "delib", "--note", "salon")
    refused(note_alone, "--note accompagne --save")


def test_a_blocked_draft_is_unblocked_from_the_command_line(store: Path, run_comptoir) -> None:  # type: ignore[no-untyped-def]
    """A draft that finalize refused said « passez outre avec un motif », and no command could."""
    saved = ok(run_comptoir("quote", "--member", "Nivelles", "--product", "delib", "delib", "--save"))
    draft = re.search(r"Brouillon enregistré : ([0-9a-f]{32})", saved).group(1)[:8]  # type: ignore[union-attr]
    shown = ok(run_comptoir("offers", "show", draft))
    assert "[duplicate:delib] iA.Délib figure plusieurs fois" in shown  # the code to name
    blocked = run_comptoir("offers", "finalize", draft)
    refused(blocked, "Points bloquants", f"comptoir offers override {draft} CODE=MOTIF")  # what to run
    not_here = run_comptoir("offers", "override", draft, "excludes:citizen-smartweb=x")
    refused(not_here, "pas de point bloquant de ce code")
    refused(run_comptoir("offers", "override", draft, "duplicate:delib="), "indiquez un motif après le signe =")
    out = ok(run_comptoir("offers", "override", draft, "duplicate:delib=deux instances distinctes"))
    assert "Plus aucun point bloquant" in out
    assert "Dérogation — duplicate:delib : deux instances distinctes" in ok(run_comptoir("offers", "show", draft))
    assert re.search(r"OFF-\d{4}-LAP1-\d{4}", ok(run_comptoir("offers", "finalize", draft)))
    refused(run_comptoir("offers", "override", draft, "--remove", "duplicate:delib"), "finalisée")


def test_export_help_says_what_goes_without_since_or_number(run_comptoir) -> None:  # type: ignore[no-untyped-def]
    usage = " ".join(ok(run_comptoir("offers", "export", "--help")).split())
    assert "sans l'un ni l'autre toutes les offres finalisées" in usage


def test_finalize_without_a_device_code_says_the_command_that_sets_it(db_path, run_comptoir) -> None:  # type: ignore[no-untyped-def]
    out = ok(run_comptoir("quote", "--member", "Nivelles", "--product", "delib", "--save", "--json"))
    draft = json.loads(out)["offer_id"]
    refused(run_comptoir("offers", "finalize", draft), "comptoir settings set device_code=LAP1")
    assert json.loads(ok(run_comptoir("offers", "show", draft, "--json")))["state"] == "brouillon"


def test_drafts_an_update_prices_again_are_named_once_on_the_command_line(db_path, run_comptoir) -> None:
    """The previous version halved iA.AES's support for a CPAS: the first command after the
    update prices the draft again and says so, rather than a figure changing unseen."""
    from upgrades import priced_as_before_discountable, seeded_by_the_previous_version

    priced_as_before_discountable(db_path)
    ok(run_comptoir(
        "quote", "--member", "CPAS de Nivelles", "--product", "aes", "--param", "aes:schools=9",
        "--commune-has", "aes", "--save",
    ))
    seeded_by_the_previous_version(db_path)

    first = run_comptoir("offers", "list")
    assert "5\u202f988,00\xa0€" in ok(first)  # 636 + 9 × 656 halved, plus 3 support days whole
    assert "Attention : Cette version de Comptoir corrige le catalogue ou l'annuaire : " in first.stderr
    assert "brouillons recalculés (1) : CPAS de Nivelles (brouillon du " in first.stderr
    again = run_comptoir("offers", "list")
    assert ok(again) == first.stdout and again.stderr == ""


def test_an_import_with_a_conflict_says_so_in_its_exit_status(
    store: Path, run_comptoir, tmp_path: Path, seeded_db_path: Path  # type: ignore[no-untyped-def]
) -> None:
    """Head office's script loops over the laptops' bundles: an offer refused at the laptop
    and accepted at head office is a conflict its status shows (it exited 0, as a clean import)."""
    hq = _copy(seeded_db_path, tmp_path / "siege.db")
    n = re.search(r"(OFF-\d{4}-LAP1-\d{4})", ok(run_comptoir("offers", "finalize", _save_draft(run_comptoir))))
    assert n
    number = n.group(1)
    ok(run_comptoir("offers", "set-state", number, "envoyee"))
    lot = tmp_path / "lot.zip"
    ok(run_comptoir("offers", "export", "--number", number, "--out", lot))
    ok(run_comptoir("--db", hq, "offers", "import", lot))
    ok(run_comptoir("--db", hq, "offers", "set-state", number, "acceptee"))
    ok(run_comptoir("offers", "set-state", number, "refusee", "--reason", "budget"))
    ok(run_comptoir("offers", "export", "--number", number, "--out", lot))

    again = run_comptoir("--db", hq, "offers", "import", lot, "--json")

    assert again.returncode == 3, (again.stdout, again.stderr)
    [conflict] = json.loads(again.stdout)["conflicts"]
    assert conflict["number"] == number and "état divergent" in conflict["reason"]
    said = run_comptoir("--db", hq, "offers", "import", lot)
    assert said.returncode == 3 and number in said.stdout
    assert json.loads(ok(run_comptoir("--db", hq, "offers", "show", number, "--json")))["state"] == "acceptee"
    assert "code 3" in " ".join(ok(run_comptoir("offers", "import", "--help")).split())


def test_the_import_report_names_the_laptop_and_each_offer(
    store: Path, run_comptoir, tmp_path: Path, seeded_db_path: Path  # type: ignore[no-untyped-def]
) -> None:
    """Head office reads the text report of each laptop's bundle: it said four counts, not
    which laptop sent the bundle nor which offers came in."""
    hq = _copy(seeded_db_path, tmp_path / "siege.db")
    numbers = [
        re.search(r"(OFF-\d{4}-LAP1-\d{4})", ok(run_comptoir("offers", "finalize", _save_draft(run_comptoir)))).group(1)  # type: ignore[union-attr]
        for _ in range(2)
    ]
    lot = tmp_path / "lundi.zip"
    ok(run_comptoir("offers", "export", "--number", numbers[0], "--out", lot))
    ok(run_comptoir("--db", hq, "offers", "import", lot))
    ok(run_comptoir("offers", "set-state", numbers[0], "envoyee"))
    ok(run_comptoir("offers", "export", "--out", lot))

    out = ok(run_comptoir("--db", hq, "offers", "import", lot)).splitlines()

    assert out[0] == "Lot lundi.zip de l'appareil LAP1 :"
    assert out[out.index("Offres importées : 1") + 1] == f"  - {numbers[1]}"
    assert out[out.index("Mises à jour (état ou historique) : 1") + 1] == f"  - {numbers[0]}"


def test_a_weekly_report_by_laptop_and_product_reads_offers_list_json_alone(
    store: Path, run_comptoir, tmp_path: Path, seeded_db_path: Path  # type: ignore[no-untyped-def]
) -> None:
    """Head office sums the accepted annual amounts per laptop and per product: the rows
    held neither the products nor the laptop, short of one offers show per offer or
    reading the number."""
    hq = _copy(seeded_db_path, tmp_path / "siege.db")
    out = ok(run_comptoir("offers", "finalize", _save_draft(run_comptoir)))
    number = re.search(r"(OFF-\d{4}-LAP1-\d{4})", out).group(1)  # type: ignore[union-attr]
    ok(run_comptoir("offers", "set-state", number, "envoyee"))
    ok(run_comptoir("offers", "set-state", number, "acceptee"))
    lot = tmp_path / "lot.zip"
    ok(run_comptoir("offers", "export", "--out", lot))
    ok(run_comptoir("--db", hq, "offers", "import", lot))
    ok(run_comptoir("--db", hq, "settings", "set", "device_code=SIEGE"))
    here = json.loads(
        ok(run_comptoir("--db", hq, "quote", "--member", "Namur", "--product", "gpec", "--save", "--json"))
    )["offer_id"]

    rows = json.loads(ok(run_comptoir("--db", hq, "offers", "list", "--json")))

    by_id = {r["id"]: r for r in rows}
    accepted = [r for r in rows if r["state"] == "acceptee"]
    assert [(r["number"], r["device"], r["origin"]) for r in accepted] == [(number, "LAP1", "LAP1")]
    per_product = {line["product"]: line["annual"] for line in accepted[0]["lines"]}
    shown = json.loads(ok(run_comptoir("--db", hq, "offers", "show", number, "--json")))
    assert per_product == {line["product"]: line["annual"] for line in shown["quote"]["lines"]}
    assert set(per_product) == {"delib", "aes"} and all(isinstance(a, str) for a in per_product.values())
    draft = by_id[here]  # made here, not numbered yet; its « sur devis » set-up is null
    assert (draft["device"], draft["origin"]) == (None, None)
    assert [(line["product"], line["one_time"]) for line in draft["lines"]] == [("gpec", None)]


def test_finalize_says_a_date_before_the_last_offer_and_takes_it_once_confirmed(
    store: Path, run_comptoir  # type: ignore[no-untyped-def]
) -> None:
    """This laptop's last offer bears 2099 (its clock was ahead then): a finalize today would
    date and number the offer before it. Refused with the way to go on; --confirm-date goes on."""
    from datetime import UTC, datetime

    from desktop.store.database import open_database
    from desktop.store.offers_repo import OfferRepository
    from desktop.store.settings_repo import SettingsRepository

    ahead = _save_draft(run_comptoir)
    db = open_database(store)
    try:
        settings = SettingsRepository(db)
        repo = OfferRepository(db, settings=settings.load, clock=lambda: datetime(2099, 1, 1, 10, tzinfo=UTC))
        assert repo.finalise(ahead, lambda o: b"%PDF-1.4 essai").number == "OFF-2099-LAP1-0001"
    finally:
        db.close()
    draft = _save_draft(run_comptoir)

    said = refused(run_comptoir("offers", "finalize", draft), "(01/01/2099)")
    assert f"comptoir offers finalize {draft} --confirm-date. Le brouillon est gardé." in said
    assert json.loads(ok(run_comptoir("offers", "show", draft, "--json")))["state"] == "brouillon"
    assert re.search(r"OFF-20\d\d-LAP1-0001 ", ok(run_comptoir("offers", "finalize", draft, "--confirm-date")))


def test_offers_list_takes_a_member_as_quote_does(store: Path, run_comptoir) -> None:  # type: ignore[no-untyped-def]
    """« --member 25072 » listed « Aucune offre. » with status 0: an id was expected. A NIS
    code, an exact name or a zone number now name the member; an unknown one is refused."""
    draft = _save_draft(run_comptoir)
    for given in ("commune:25072", "25072", "Nivelles"):
        rows = json.loads(ok(run_comptoir("offers", "list", "--member", given, "--json")))
        assert [r["id"] for r in rows] == [draft], given
    assert json.loads(ok(run_comptoir("offers", "list", "--member", "commune:25005", "--json"))) == []
    refused(run_comptoir("offers", "list", "--member", "99999"), "99999")


def test_offers_list_json_says_lines_it_cannot_read_are_unknown_not_none(
    store: Path, run_comptoir  # type: ignore[no-untyped-def]
) -> None:
    """A draft whose stored quote cannot be read (a damaged database) came with « lines »: [],
    beside its totals: a report per product counted it as an offer without products."""
    import sqlite3

    damaged, sound = _save_draft(run_comptoir), _save_draft(run_comptoir)
    with sqlite3.connect(store) as conn:
        conn.execute("UPDATE offers SET quote_json = '{\"lines\": [{\"product\": 1}]}' WHERE id = ?", (damaged,))
    conn.close()

    rows = {r["id"]: r for r in json.loads(ok(run_comptoir("offers", "list", "--json")))}

    assert rows[damaged]["lines"] is None and rows[damaged]["annual"] is not None
    assert [line["product"] for line in rows[sound]["lines"]] == ["delib", "aes"]
