"""``comptoir offer --pdf`` and ``comptoir contract --offer --pdf`` in real processes, on the
seeded database (real catalogue, real terms), PDFs read back."""

from __future__ import annotations

import json
import re
import sys
from datetime import datetime
from pathlib import Path

import pytest
from cli_results import ok, refused

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "documents"))

import pdf_inspect as pi

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

NNBSP = "\u202f"






@pytest.fixture
def store(db_path: Path) -> Path:
    from dataclasses import replace

    from desktop.store.database import open_database
    from desktop.store.settings_repo import SettingsRepository

    db = open_database(db_path)
    try:
        repo = SettingsRepository(db)
        repo.save(replace(repo.load(), device_code="LAP1", seller_name="Anne Dupont"))
    finally:
        db.close()
    return db_path


def test_offer_pdf_for_a_member_on_the_real_catalogue(store: Path, run_comptoir, tmp_path: Path) -> None:
    out = tmp_path / "offre.pdf"
    msg = ok(run_comptoir("offer", "--member", "Nivelles", "--product", "delib", "--pdf", out,
                          "--date", "2026-11-22"))
    assert "Projet d'offre écrit" in msg
    pdf = out.read_bytes()
    text = pi.flat(pdf)
    assert "Projet d'offre" in text and "PROJET" in text
    assert "Nivelles" in text and "Cat 5" in text
    assert "Date de l'offre : 22/11/2026" in text and "20/02/2027" in text
    assert re.search(r"\d{1,3}" + NNBSP + r"\d{3},00 €", text), "montant groupé par U+202F"
    assert "la TVA n’est pas applicable aux montants dus à iMio" in text  # remark 5, from the data
    assert "1,5 % par mois" in text and "(IPC)" in text  # remarks 7 and 3-4, from the data
    assert "Conseil d’Administration du 10/10/2023" in text  # the tariff's approval term
    for name, info in pi.fonts(pdf).items():
        assert info.embedded and not info.missing_glyphs, name
    pages = pi.pages_text(pdf)
    assert all(f"page {i}/{len(pages)}" in p for i, p in enumerate(pages, start=1))
    # same input, same bytes
    again = tmp_path / "encore.pdf"
    ok(run_comptoir("offer", "--member", "Nivelles", "--product", "delib", "--pdf", again,
                    "--date", "2026-11-22"))
    assert again.read_bytes() == pdf


def finalised_text(run_comptoir, tmp_path: Path, product: str) -> str:  # type: ignore[no-untyped-def]
    """The text of the frozen PDF of a Nivelles offer for ``product``, saved then finalised."""
    saved = ok(run_comptoir("quote", "--member", "Nivelles", "--product", product, "--save"))
    draft = re.search(r"Brouillon enregistré : ([0-9a-f]{32})", saved)
    assert draft, saved
    frozen = tmp_path / f"{product}-finalisee.pdf"
    ok(run_comptoir("offers", "finalize", draft.group(1), "--pdf", frozen))
    return pi.flat(frozen.read_bytes())


def _gpec_totals(text: str) -> None:
    """iA.GPEC Cat 5: annual 11 450 known, set-up sur devis (PRODUCT.md)."""
    assert "Total mise en place (coût unique) HTVA Sur devis" in text
    assert f"Total annuel (maintenance et hébergement) HTVA 11{NNBSP}450,00 €" in text
    assert f"Budget de la première année (coût annuel + mise en place) HTVA 11{NNBSP}450,00 €" in text
    assert "Totaux partiels" in text
    assert "Aucune ligne de cette offre n'est chiffrée" not in text
    assert "Budget non chiffré" not in text
    assert f"Année 2 11{NNBSP}679,00 € Année 3 11{NNBSP}912,58 € Total 35{NNBSP}041,58 €" in text
    assert not re.search(r"(?<![\d\u202f])0,00 €", text)


def test_gpec_offer_keeps_its_known_annual_in_totals_draft_and_finalised(
    store: Path, run_comptoir, tmp_path: Path
) -> None:
    out = tmp_path / "gpec.pdf"
    ok(run_comptoir("offer", "--member", "Nivelles", "--product", "gpec", "--pdf", out,
                    "--date", "2026-11-22"))
    _gpec_totals(pi.flat(out.read_bytes()))
    # the frozen document of a finalised offer goes through the same layout
    text = finalised_text(run_comptoir, tmp_path, "gpec")
    assert "Offre n° OFF-" in text
    _gpec_totals(text)


def test_a_catalogue_caveat_is_for_the_draft_not_for_the_offer_the_member_receives(
    store: Path, run_comptoir, tmp_path: Path
) -> None:
    caveat = "Tarif à confirmer : l’attribution du tableau T15 à iA.Ideabox"
    draft_pdf = tmp_path / "projet.pdf"
    ok(run_comptoir("offer", "--member", "Nivelles", "--product", "ideabox", "--pdf", draft_pdf))
    assert caveat in pi.flat(draft_pdf.read_bytes())  # the seller sees what to check
    text = finalised_text(run_comptoir, tmp_path, "ideabox")
    assert "iA.Ideabox" in text and "Tarif à confirmer" not in text


def test_cpas_discount_is_explained_once_with_its_amount(
    store: Path, run_comptoir, tmp_path: Path
) -> None:
    out = tmp_path / "cpas.pdf"
    ok(run_comptoir("offer", "--member", "CPAS de Nivelles", "--product", "delib",
                    "--commune-has", "delib", "--pdf", out, "--date", "2026-11-22"))
    text = pi.flat(out.read_bytes())
    # Cat 5 Délib annual 8 927 -> 50 % off = 4 463,50, said once on the line
    assert text.count(f"-4{NNBSP}463,50") + text.count(f"−4{NNBSP}463,50") == 1, text
    assert "Une remise de 50 % est octroyée aux CPAS" in text  # remark 6 printed
    assert "Pour accord — pour le CPAS de Nivelles, les soussignés" in text  # « le », as said


def test_offer_pdf_for_a_kind_marks_the_recipient(store: Path, run_comptoir, tmp_path: Path) -> None:
    out = tmp_path / "offre.pdf"
    ok(run_comptoir("offer", "--kind", "commune", "--inhabitants", "12500", "--product", "delib",
                    "--pdf", out, "--date", "2026-11-22"))
    text = pi.flat(out.read_bytes())
    assert "[à compléter : destinataire]" in text
    assert f"8{NNBSP}062,00 €" in text  # seed 000 worked example 1: 5344 + 2718


def test_offer_errors_are_french(store: Path, run_comptoir, tmp_path: Path) -> None:
    refused(run_comptoir("offer", "--member", "Nivelles", "--product", "delib",
                         "--pdf", tmp_path / "absent" / "x.pdf"), "n'existe pas")
    refused(run_comptoir("offer", "--member", "Nivelles", "--product", "delib"), "--pdf")


def test_contract_only_for_an_accepted_offer(store: Path, run_comptoir, tmp_path: Path) -> None:
    saved = ok(run_comptoir("quote", "--member", "Nivelles", "--product", "delib", "--save"))
    draft = re.search(r"Brouillon enregistré : ([0-9a-f]{32})", saved)
    assert draft, saved
    fin = ok(run_comptoir("offers", "finalize", draft.group(1)[:8]))
    number = re.search(r"(OFF-\d{4}-LAP1-\d{4})", fin)
    assert number, fin
    n = number.group(1)
    out = tmp_path / "contrat.pdf"
    other = ok(run_comptoir("quote", "--member", "Namur", "--product", "delib", "--save", "--json"))
    refused(
        run_comptoir("contract", "--offer", json.loads(other)["offer_id"], "--pdf", out),
        "est « Brouillon »",
        "Finalisez-la d'abord, puis passez-la à l'état « Envoyée » et « Acceptée ».",
    )
    # what leads there: a « Finalisée » offer is sent before it is accepted
    err = refused(
        run_comptoir("contract", "--offer", n, "--pdf", out),
        "Passez-la d'abord à l'état « Envoyée », puis « Acceptée ».",
    )
    assert "Finalisée" in err
    assert not out.exists()

    ok(run_comptoir("offers", "set-state", n, "envoyee"))
    refused(
        run_comptoir("contract", "--offer", n, "--pdf", out),
        "est « Envoyée »",
        "Passez-la d'abord à l'état « Acceptée ».",
    )
    ok(run_comptoir("offers", "set-state", n, "acceptee", "--reason", "Collège du 12/03"))
    # « convertie » means the order form exists: not a state to set by hand
    refused(run_comptoir("offers", "set-state", n, "convertie"), "bon de commande")
    msg = ok(run_comptoir("contract", "--offer", n, "--pdf", out, "--start", "01/01/2027",
                          "--date", "2026-12-01"))
    assert "Bon de commande de l'offre" in msg and "modèle de contrat version 1" in msg
    text = pi.flat(out.read_bytes())
    assert "Bon de commande et dispositions particulières" in text
    assert f"n° {n}" in text and "Nivelles" in text
    assert "prend effet le 01/01/2027" in text
    assert "convention cadre de services" in text
    assert "1,5 % par mois" in text and "(IPC)" in text
    assert "[à compléter : date d'acceptation]" not in text  # taken from the history
    refused(run_comptoir("contract", "--offer", "OFF-2026-LAP1-9999", "--pdf", out))


def test_contract_of_an_offer_past_its_validity_says_how_to_accept_it_late(
    store: Path, run_comptoir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An offer never accepted in time read « Finalisée » and was told to go « Envoyée »
    first, which is refused once its validity has ended: it is named « Expirée », and what
    still leads to the order form is said."""
    from datetime import time, timedelta

    from desktop import cli
    from desktop.store import offers_repo

    saved = ok(run_comptoir("quote", "--member", "Nivelles", "--product", "delib", "--save", "--json"))
    fin = ok(run_comptoir("offers", "finalize", json.loads(saved)["offer_id"]))
    number = re.search(r"(OFF-\d{4}-LAP1-\d{4})", fin)
    assert number, fin
    shown = json.loads(ok(run_comptoir("offers", "show", number.group(1), "--json")))
    ended = datetime.fromisoformat(shown["valid_until"]).date()
    later = datetime.combine(ended + timedelta(days=1), time(9)).astimezone()
    monkeypatch.setattr(offers_repo, "_now", lambda: later)  # the day after its validity
    out = tmp_path / "contrat.pdf"
    assert cli.run(["--db", str(store), "contract", "--offer", number.group(1), "--pdf", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"L'offre {number.group(1)} est « Expirée »" in err
    assert (
        f"Sa validité a pris fin le {ended:%d/%m/%Y} : passez-la à l'état « Acceptée » avec un motif"
    ) in err
    assert "Envoyée" not in err and not out.exists()
    assert cli.run(["--db", str(store), "offers", "set-state", number.group(1), "envoyee"]) == 2
    assert "révisez l'offre" in capsys.readouterr().err


def test_template_round_trip_is_checked(store: Path, run_comptoir, tmp_path: Path) -> None:
    exported = tmp_path / "contrat.txt"
    ok(run_comptoir("template", "export", exported))
    body = exported.read_text(encoding="utf-8")
    assert "[[produits]]" in body and "{offre_numero}" in body

    broken = tmp_path / "casse.txt"
    broken.write_text(body.replace("{date_debut}", "{date_de_debut}"), encoding="utf-8")
    err = refused(run_comptoir("template", "import", broken), "{date_de_debut}", "Champs autorisés")
    assert "{date_debut}" in err

    endless = tmp_path / "sans-fin.txt"
    endless.write_text(body + "Ligne de texte.\n" * 100_000, encoding="utf-8")
    refused(run_comptoir("template", "import", endless), "il dépasse 100\u202f000 caractères")

    edited = tmp_path / "modifie.txt"
    edited.write_text(body.replace("## Article 2 — Objet et cadre", "## Article 2 — Objet du bon"),
                      encoding="utf-8")
    assert "version 2" in ok(run_comptoir("template", "import", edited))
    history = ok(run_comptoir("template", "history"))
    assert "version 1" in history and "version 2" in history
    fields = ok(run_comptoir("template", "fields"))
    assert "{lieu}" in fields
    # the help says what an import checks, conditions included
    assert "conditions [[si …]] connues et fermées par [[fin]]" in " ".join(
        ok(run_comptoir("template", "--help")).split()
    )
    assert "[[si cout_annuel]]  la commande comporte un coût annuel (chiffré ou sur devis)" in fields
    assert "Conditions ([[si condition]] … [[sinon]] … [[fin]], chacun seul sur sa ligne) :" in fields
    # who changed the wording is named (the seller's initials, as in the offers' history); the
    # default text put back is said to be it, not a change
    ok(run_comptoir("settings", "set", "seller_initials=JD"))
    assert "version 3" in ok(run_comptoir("template", "reset"))
    lines = ok(run_comptoir("template", "history")).splitlines()
    assert lines[1].endswith("— modifié, par Anne Dupont") and lines[2].endswith("— texte par défaut, par JD")
    assert re.match(r"version 3 — \d\d/\d\d/20\d\d \d\d:\d\d — ", lines[2])  # as the offers' history
    versions = json.loads(ok(run_comptoir("template", "history", "--json")))
    assert [(v["version"], v["default_text"], v["in_force"], v["saved_by"]) for v in versions] == [
        (1, True, False, None), (2, False, False, "Anne Dupont"), (3, True, True, "JD")]
    assert datetime.fromisoformat(versions[2]["saved_at"]).tzinfo is not None


@pytest.mark.parametrize("action", ["export", "import", "fields", "history", "reset"])
def test_each_template_action_describes_itself_in_its_own_help(run_comptoir, action: str) -> None:
    """« comptoir template export --help » showed the usage and options only: what the action
    does was said by « comptoir template --help » alone."""
    listed = " ".join(ok(run_comptoir("template", "--help")).split())
    own = " ".join(ok(run_comptoir("template", action, "--help")).split())
    what = re.search(rf" {action} (.+?)(?= (?:export|import|fields|history|reset) |$)", listed)
    assert what is not None, listed
    sentence = what.group(1)[0].upper() + what.group(1)[1:] + "."
    assert own.split(" options : ")[0].split(" arguments : ")[0].endswith(f" {sentence}"), own


def test_a_template_saved_by_windows_notepad_is_read_as_written(store: Path, run_comptoir, tmp_path: Path) -> None:
    """Notepad (« UTF-8 avec BOM ») and PowerShell 5.1 (Set-Content -Encoding UTF8) begin the
    file with a byte-order mark and end lines with CR LF: the mark glued to the first line, a
    comment, made it a paragraph printed at the top of every order form."""
    exported = tmp_path / "contrat.txt"
    ok(run_comptoir("template", "export", exported))
    body = exported.read_text(encoding="utf-8").replace("## Article 2 — Objet et cadre", "## Article 2 — Objet du bon")
    edited = tmp_path / "bloc-notes.txt"
    edited.write_bytes(b"\xef\xbb\xbf" + body.replace("\n", "\r\n").encode("utf-8"))
    assert "version 2" in ok(run_comptoir("template", "import", edited))
    again = tmp_path / "relu.txt"
    ok(run_comptoir("template", "export", again))
    assert again.read_bytes() == body.encode("utf-8")


def test_a_template_saved_in_windows_1252_is_refused_at_its_first_accented_line(
    store: Path, run_comptoir, tmp_path: Path
) -> None:
    """A template saved « ANSI » was refused as not UTF-8, without saying where nor how to
    save it otherwise."""
    exported = tmp_path / "contrat.txt"
    ok(run_comptoir("template", "export", exported))
    body = exported.read_text(encoding="utf-8")
    ansi = tmp_path / "ansi.txt"
    ansi.write_bytes(body.replace("—", "-").replace("…", "...").encode("cp1252"))
    first = next(n for n, line in enumerate(body.splitlines(), 1) if not line.isascii())

    err = refused(run_comptoir("template", "import", ansi), "n'est pas un texte UTF-8")

    assert f"(ligne {first} : « " in err and "Encodage : UTF-8" in err
    assert "version 1" in ok(run_comptoir("template", "history"))
    assert "version 2" not in ok(run_comptoir("template", "history"))


def test_a_template_saved_in_utf_16_is_refused_without_its_bytes_read_as_ansi(
    store: Path, run_comptoir, tmp_path: Path
) -> None:
    """Saved « Unicode » (UTF-16): its first line, read as ANSI, came back with a NUL between
    every two letters and the byte order mark as « ÿþ »."""
    exported = tmp_path / "contrat.txt"
    ok(run_comptoir("template", "export", exported))
    wide = tmp_path / "unicode.txt"
    wide.write_bytes(exported.read_text(encoding="utf-8").encode("utf-16"))

    err = refused(run_comptoir("template", "import", wide), "n'est pas un texte UTF-8")

    assert "(enregistré en UTF-16, « Unicode ») : " in err and "Encodage : UTF-8" in err
    assert "\x00" not in err and "ÿþ" not in err


def test_template_files_that_cannot_be_used_get_french_messages(store: Path, run_comptoir, tmp_path: Path) -> None:
    """A folder, a missing file or a place that cannot be written: exit 2 and what to fix,
    never « Erreur inattendue »."""
    refused(run_comptoir("template", "export", tmp_path), "est un dossier")
    refused(run_comptoir("template", "import", tmp_path), "est un dossier", "fichier du modèle")
    refused(run_comptoir("template", "import", tmp_path / "absent.txt"), "Fichier introuvable")
    a_file = tmp_path / "fichier.txt"
    a_file.write_text("x", encoding="utf-8")
    refused(run_comptoir("template", "export", a_file / "contrat.txt"), "Impossible d'écrire le modèle")
    assert a_file.read_text(encoding="utf-8") == "x"


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [
        ("9999-12-31", "l'année 9999"),  # its validity end overflowed: exit 1
        ("1/1/26", "quatre chiffres"),  # silently dated 01/01/0026
        ("0001-01-01", "de 2000 à 2099"),
        ("1900-01-01", "de 2000 à 2099"),
    ],
)
def test_an_offer_date_has_a_four_digit_year_from_2000_to_2099(
    store: Path, run_comptoir, tmp_path: Path, typed: str, fragment: str
) -> None:
    out = tmp_path / "offre.pdf"
    refused(
        run_comptoir("offer", "--member", "Nivelles", "--product", "delib", "--pdf", out, "--date", typed),
        "--date", fragment,
    )
    assert not out.exists()
    refused(run_comptoir("offers", "list", "--since", typed), "--since", fragment)
    ok(run_comptoir("offer", "--member", "Nivelles", "--product", "delib", "--pdf", out, "--date", "31/12/2099"))


def _accepted_offer(run_comptoir) -> str:
    saved = ok(run_comptoir("quote", "--member", "Nivelles", "--product", "delib", "--save"))
    draft = re.search(r"Brouillon enregistré : ([0-9a-f]{32})", saved)
    assert draft, saved
    number = re.search(r"(OFF-\d{4}-LAP1-\d{4})", ok(run_comptoir("offers", "finalize", draft.group(1)[:8])))
    assert number
    ok(run_comptoir("offers", "set-state", number.group(1), "envoyee"))
    ok(run_comptoir("offers", "set-state", number.group(1), "acceptee", "--reason", "Collège du 12/03"))
    return number.group(1)


def test_a_contract_term_and_dates_are_bounded(store: Path, run_comptoir, tmp_path: Path) -> None:
    """--years 999999999999, --start 0001-01-01 and --date 9999-12-31 were printed as given."""
    n = _accepted_offer(run_comptoir)
    out = tmp_path / "contrat.pdf"
    for args, fragments in (
        (("--years", "999999999999"), ("de 1 à 10 ans",)),
        (("--years", "0"), ("de 1 à 10 ans",)),
        (("--start", "0001-01-01"), ("--start", "de 2000 à 2099")),
        (("--start", "1/1/27"), ("--start", "quatre chiffres")),
        (("--date", "9999-12-31"), ("--date", "l'année 9999")),
    ):
        refused(run_comptoir("contract", "--offer", n, "--pdf", out, *args), *fragments)
        assert not out.exists()
    ok(run_comptoir("contract", "--offer", n, "--pdf", out, "--years", "10", "--start", "2027-01-01"))
    assert "durée initiale de 10 ans" in pi.flat(out.read_bytes())


def test_a_member_name_stored_overlong_still_gives_its_offer_pdf(store: Path, run_comptoir, tmp_path: Path) -> None:
    """A 5000-character name (stored before names were bounded) made the offer PDF fail."""
    import sqlite3

    with sqlite3.connect(store) as conn:
        conn.execute("UPDATE member SET name = ? WHERE id = 'commune:25072'", ("Nivelles" + "x" * 5000,))
    conn.close()
    out = tmp_path / "offre.pdf"
    ok(run_comptoir("offer", "--member", "25072", "--product", "delib", "--pdf", out))
    assert "Nivellesxxxx" in pi.flat(out.read_bytes()) and "…" in pi.flat(out.read_bytes())


def test_the_order_form_converts_the_offer_and_prints_again_as_issued(
    store: Path, run_comptoir, tmp_path: Path
) -> None:
    """As in the window, writing the order form of an accepted offer converts it (it stayed
    « Acceptée »); printed again, it keeps the dates and term it was issued with."""
    n = _accepted_offer(run_comptoir)
    first = tmp_path / "bon.pdf"
    msg = ok(run_comptoir("contract", "--offer", n, "--pdf", first, "--date", "2026-12-01",
                          "--start", "01/01/2027", "--years", "3"))
    assert f"L'offre {n} est convertie." in msg
    shown = ok(run_comptoir("offers", "show", n))
    assert shown.startswith(f"{n} — Convertie")
    assert ("Acceptée → Convertie — motif : bon de commande du 01/12/2026, prise d'effet le "
            "01/01/2027, durée initiale 3 ans") in shown
    again = tmp_path / "bon-2.pdf"
    msg = ok(run_comptoir("contract", "--offer", n, "--pdf", again))
    assert "convertie" not in msg  # nothing changes the second time
    text = pi.flat(again.read_bytes())
    assert "prend effet le 01/01/2027" in text and "durée initiale de 3 ans" in text
    assert text == pi.flat(first.read_bytes())


def test_an_order_form_is_given_again_byte_for_byte_whatever_changed_since(
    store: Path, run_comptoir, tmp_path: Path
) -> None:
    """Printed again after a new contract template and new letterhead settings, the order form
    took the new wording and « iMio SCRL »: not what the member signed."""
    n = _accepted_offer(run_comptoir)
    first, template = tmp_path / "bon.pdf", tmp_path / "contrat.md"
    ok(run_comptoir("contract", "--offer", n, "--pdf", first, "--start", "2027-01-01"))
    ok(run_comptoir("template", "export", template))
    template.write_text(template.read_text(encoding="utf-8") + "\nUn paragraphe ajouté.\n", encoding="utf-8")
    ok(run_comptoir("template", "import", template))
    ok(run_comptoir("settings", "set", "legal_form=SCRL"))
    again = tmp_path / "bon-2.pdf"
    assert "redonné tel qu'établi" in ok(run_comptoir("contract", "--offer", n, "--pdf", again))
    assert again.read_bytes() == first.read_bytes()
    # its dates are those it was established with: other ones are refused, not printed
    refused(run_comptoir("contract", "--offer", n, "--pdf", again, "--start", "2027-02-01"),
            "il est redonné tel quel")  # fmt: skip


def test_an_order_form_cannot_take_effect_before_its_offer(store: Path, run_comptoir, tmp_path: Path) -> None:
    """The window refused these dates; the command line printed « prend effet le 01/01/2019 »."""
    n = _accepted_offer(run_comptoir)
    out = tmp_path / "bon.pdf"
    refused(run_comptoir("contract", "--offer", n, "--pdf", out, "--start", "2019-01-01"),
            "ne peut pas précéder l'offre")  # fmt: skip
    refused(run_comptoir("contract", "--offer", n, "--pdf", out, "--date", "2020-01-01"),
            "précéder l'acceptation")  # fmt: skip
    assert not out.exists()


def test_head_office_gives_the_order_form_the_laptop_printed(store: Path, run_comptoir, tmp_path: Path) -> None:
    """Imported, a converted offer's order form came out anew at head office: its dates, its
    term and its letterhead lost."""
    n = _accepted_offer(run_comptoir)
    printed, lot = tmp_path / "bon.pdf", tmp_path / "lot.zip"
    ok(run_comptoir("contract", "--offer", n, "--pdf", printed, "--start", "2027-01-01", "--years", "3"))
    ok(run_comptoir("offers", "export", "--number", n, "--out", lot))
    hq = tmp_path / "siege.db"
    ok(run_comptoir("--db", hq, "offers", "import", lot))
    again = tmp_path / "bon-siege.pdf"
    assert "redonné tel qu'établi" in ok(run_comptoir("--db", hq, "contract", "--offer", n, "--pdf", again))
    assert again.read_bytes() == printed.read_bytes()


def test_the_days_of_a_day_rate_service_are_said_once_on_the_offer(
    store: Path, run_comptoir, tmp_path: Path
) -> None:
    """Three days of « AT - Conseil / Stratégie » read « Nombre de jours : 3 », then « 3 jours ×
    991 € », then 3 in the set-up days column: the offer now says them once, with their rate."""
    out = tmp_path / "jours.pdf"
    ok(run_comptoir("offer", "--member", "Nivelles", "--product", "at-conseil-strategie",
                    "deliberations-be", "delib", "--param", "at-conseil-strategie:days=3",
                    "deliberations-be:days=2", "--pdf", out, "--date", "2026-11-22"))
    text = pi.flat(out.read_bytes())
    assert f"AT - Conseil / Stratégie 3 jours × 991 € 2{NNBSP}973,00 € —" in text
    assert "deliberations.be Hébergement inclus" in text  # not « Jours de prestation … : 2 »
    assert f"2 jours × 906 € 1{NNBSP}812,00 € —" in text
    assert "Nombre de jours :" not in text and "Jours de prestation" not in text
    # a product's set-up days keep their column
    assert f"6 5{NNBSP}436,00 € 8{NNBSP}927,00 €" in text


def test_contract_of_service_days_says_its_term_has_no_effect(store: Path, run_comptoir, tmp_path: Path) -> None:
    """Days of service have no annual cost: the order form prints no term, and a --years given
    out of habit (a script passing it for every order) is said to change nothing, on stderr so
    that --json stays one document."""
    saved = ok(run_comptoir("quote", "--member", "Nivelles", "--product", "prestations-produits",
                            "--param", "prestations-produits:days=3", "--save", "--json"))
    n = json.loads(ok(run_comptoir("offers", "finalize", json.loads(saved)["offer_id"], "--json")))["number"]
    ok(run_comptoir("offers", "set-state", n, "envoyee"))
    ok(run_comptoir("offers", "set-state", n, "acceptee", "--reason", "Collège du 12/03"))
    out = tmp_path / "bon.pdf"
    done = run_comptoir("contract", "--offer", n, "--pdf", out, "--years", "3", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["state"] == "convertie"
    assert "--years est sans effet" in " ".join(done.stderr.split())
    text = pi.flat(out.read_bytes())
    assert "n'est pas reconduit" in text and "durée initiale" not in text


def test_the_contract_help_says_the_term_it_takes(db_path, run_comptoir) -> None:
    """« --years N durée initiale en années (défaut : 1) » left the bound to a refusal, while the
    budget's --years says « 1 à 6 »."""
    usage = " ".join(ok(run_comptoir("contract", "--help")).split())
    assert "--years N durée initiale en années, 1 à 10 (défaut : 1)" in usage
