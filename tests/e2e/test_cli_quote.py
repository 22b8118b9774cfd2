"""``comptoir category`` and ``comptoir quote`` in a real process, on a private seeded database."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from cli_results import ok, refused

pytestmark = pytest.mark.e2e



@pytest.fixture
def directory() -> None:
    """Tests that resolve a real member need the store's member repository."""
    pytest.importorskip("desktop.store.members_repo", reason="répertoire des membres pas encore là")


def ok_json(result: subprocess.CompletedProcess[str]) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)




# --------------------------------------------------------------------------- category


def test_category_of_a_hypothetical_commune(db_path, run_comptoir) -> None:
    data = ok_json(
        run_comptoir("category", "--kind", "commune", "--inhabitants", "100001", "--json")
    )
    assert data == {
        "member": None,
        "kind": "commune",
        "category": "Cat 7",
        "trace": data["trace"],
    }
    assert any("100" in line for line in data["trace"])


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--kind", "zone_de_secours", "--inhabitants", "100000"), "Cat 3"),
        (("--kind", "zone_de_secours", "--inhabitants", "400000"), "Cat 4"),
        (("--kind", "intercommunale", "--agents", "120"), "Cat 5"),
        (("--kind", "rca", "--agents", "25"), "Cat 1"),
        (("--kind", "province"), "Provinces"),
        (("--kind", "autre", "--category", "Cat 2", "--reason", "ASBL para-communale"), "Cat 2"),
    ],
)
def test_category_by_kind(db_path, run_comptoir, args: tuple[str, ...], expected: str) -> None:
    data = ok_json(run_comptoir("category", *args, "--json"))
    assert data["category"] == expected
    # no name to write « de … » before: the kind alone heads the trace
    assert not any(mark in line for line in data["trace"] for mark in ("d’ ", "d' ", "de :", "du :"))


def test_category_of_a_real_police_zone(db_path, directory, run_comptoir) -> None:
    data = ok_json(run_comptoir("category", "--member", "5267", "--json"))
    assert data["kind"] == "zone_de_police"
    assert data["category"] == "Cat 5"  # Nivelles, 28 883 inhabitants
    assert "Nivelles" in data["trace"][0]
    assert data["member"]["zone_number"] == "5267"


def test_category_text_output(db_path, directory, run_comptoir) -> None:
    result = run_comptoir("category", "--member", "Nivelles")
    assert result.returncode == 0, result.stderr
    assert "Cat 5" in result.stdout and "28" in result.stdout


# --------------------------------------------------------------------------- quote


def test_quote_delib_cat3_json(db_path, run_comptoir) -> None:
    data = ok_json(
        run_comptoir(
            "quote", "--kind", "commune", "--inhabitants", "12500", "--product", "delib", "--json"
        )
    )
    assert data["category"] == "Cat 3"
    assert data["member"] is None
    (line,) = data["lines"]
    assert set(line) == {"product", "one_time", "annual", "setup_days", "status", "notes"}
    assert (line["one_time"], line["annual"], line["setup_days"], line["status"]) == (
        "2718.00",
        "5344.00",
        3,
        "priced",
    )
    assert data["totals"] == {
        "one_time": "2718.00",
        "annual": "5344.00",
        "year1": "8062.00",
        "years": ["8062.00", "5450.88", "5559.90"],
        "partial": False,
        "one_time_priced": True,
        "annual_priced": True,
        "year1_priced": True,
        "one_time_partial": False,
        "annual_partial": False,
        "year1_partial": False,
    }


def test_quote_accepts_aliases_accents_and_params(db_path, run_comptoir) -> None:
    data = ok_json(
        run_comptoir(
            "quote",
            "--kind",
            "commune",
            "--inhabitants",
            "18000",
            "--product",
            "IA.DÉLIB",
            "--product",
            "aes",
            "--param",
            "aes:schools=9",
            "--years",
            "1",
            "--json",
        )
    )
    delib, aes = data["lines"]
    assert delib["annual"] == "6397.00"
    assert (aes["one_time"], aes["annual"]) == ("5436.00", "8691.00")
    assert data["totals"]["years"] == ["24148.00"]  # 6397 + 3624 + 8691 + 5436


def test_quote_citizen_cat6_is_partial_with_null(db_path, run_comptoir) -> None:
    data = ok_json(
        run_comptoir(
            "quote", "--kind", "commune", "--inhabitants", "60000", "--product", "citizen", "--json"
        )
    )
    (line,) = data["lines"]
    assert line["one_time"] is None and line["annual"] == "19293.00"
    assert line["status"] == "sur_devis" and line["setup_days"] is None
    assert data["totals"]["partial"] is True
    # nothing in the one-time total is priced: null, as for the line, never "0.00"
    assert data["totals"]["one_time"] is None and data["totals"]["year1"] == "19293.00"
    assert data["totals"]["one_time_priced"] is False
    assert data["totals"]["year1_partial"] is True and data["totals"]["annual_partial"] is False
    assert data["totals"]["annual_priced"] is True and data["totals"]["year1_priced"] is True


def test_a_one_time_total_with_nothing_priced_reads_sur_devis(db_path, directory, run_comptoir) -> None:
    # iA.GPEC: the grid gives only the annual maintenance; the set-up is sur devis
    result = run_comptoir("quote", "--member", "Nivelles", "--product", "gpec")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Total unique : Sur devis" in out
    assert "Total annuel : 11\u202f450,00 €" in out
    assert "Année 1 (annuel + unique) : 11\u202f450,00 €" in out
    assert "Année 3 (estimation, indexation 2 %) : 11\u202f912,58 €" in out
    assert "Totaux partiels" in out
    assert not re.search(r"(?<![\d\u202f])0,00 €", out)  # no amount printed as a bare zero


def _cpas_quote(run_comptoir, product: str, *params: str) -> dict:
    """``quote --json`` for a CPAS of 12 500 inhabitants whose commune has ``product``."""
    return ok_json(
        run_comptoir(
            "quote", "--kind", "cpas", "--inhabitants", "12500", "--product", product, *params,
            "--commune-has", product, "--json",
        )
    )


def test_quote_cpas_discount_with_commune_has(db_path, run_comptoir) -> None:
    data = _cpas_quote(run_comptoir, "delib")
    assert data["lines"][0]["annual"] == "2672.00"
    assert data["totals"]["year1"] == "5390.00"


def test_quote_cpas_discount_halves_the_aes_hosting_not_its_support_days(db_path, run_comptoir) -> None:
    # 000:L213-L214: a maintenance and a support package; remark 6 (L673-L674) halves the
    # maintenance: 636 + 9 x 546 = 5 550 -> 2 775, the 3 support days stay at 906 € each
    data = _cpas_quote(run_comptoir, "aes", "--param", "aes:schools=9")
    assert data["lines"][0]["annual"] == "5493.00"  # 2 775 + 3 x 906
    assert data["totals"]["year1"] == "10929.00"  # + 6 x 906 of set-up


def test_quote_for_a_real_member_with_years_and_indexation(
    db_path, directory, run_comptoir
) -> None:
    data = ok_json(
        run_comptoir(
            "quote",
            "--member",
            "Nivelles",
            "--product",
            "delib",
            "--years",
            "4",
            "--indexation",
            "0",
            "--json",
        )
    )
    assert data["member"]["name"] == "Nivelles"
    assert data["category"] == "Cat 5"
    assert data["totals"]["years"] == ["14363.00", "8927.00", "8927.00", "8927.00"]


def test_quote_exclusivity_blocks_until_overridden(db_path, run_comptoir) -> None:
    base = (
        "quote",
        "--kind",
        "commune",
        "--inhabitants",
        "12500",
        "--product",
        "citizen",
        "--product",
        "smartweb",
        "--json",
    )
    data = ok_json(run_comptoir(*base))
    blocking = [n for n in data["notices"] if n["severity"] == "blocking"]
    assert blocking and "citizen" in blocking[0]["code"]
    code = blocking[0]["code"]
    data = ok_json(run_comptoir(*base, "--override", f"{code}=migration progressive du site"))
    assert not [n for n in data["notices"] if n["severity"] == "blocking"]


def test_quote_text_output(db_path, run_comptoir) -> None:
    result = run_comptoir(
        "quote", "--kind", "commune", "--inhabitants", "60000", "--product", "citizen"
    )
    assert result.returncode == 0, result.stderr
    assert "19\u202f293,00 €" in result.stdout
    assert "sur devis" in result.stdout.lower()
    assert "partiels" in result.stdout


def test_quote_text_output_writes_half_days_the_french_way(db_path, run_comptoir) -> None:
    result = run_comptoir(
        "quote", "--kind", "commune", "--inhabitants", "30000",
        "--product", "at-gestion-projet", "--param", "at-gestion-projet:days=2.5",
    )
    assert result.returncode == 0, result.stderr
    assert "2,5 j" in result.stdout
    assert "2.5" not in result.stdout


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("--product", "frobnicator"), ("Produit inconnu", "frobnicator")),
        (("--product", "aes"), ("schools", "obligatoire")),
        (("--product", "aes", "--param", "aes:schools=-3"), ("négatif",)),
        (("--product", "aes", "--param", "aes:schools=neuf"), ("n'est pas un nombre",)),
        (("--product", "aes", "--param", "aes:schools=1_0"), ("« 1_0 »", "n'est pas un nombre")),
        (("--product", "aes", "--param", "aes:schools="), ("valeur manquante", "Nombre d’écoles")),
        (("--product", "aes", "--param", "aes:schools=0"), ("au moins 1",)),
        (("--product", "aes", "--param", "aes:schools=2.5"), ("entier",)),
        (("--product", "aes", "--param", "aes:ecoles=3"), ("Paramètre inconnu", "schools")),
        (("--product", "aes", "--param", "schools=3"), ("PRODUIT:CLÉ=VALEUR",)),
        (("--product", "delib", "--param", "aes:schools=3"), ("n'est pas dans l'offre",)),
        (("--product", "delib", "--years", "7"), ("1 à 6",)),
        (("--product", "delib", "--years", "deux"), ("entier",)),
        (("--product", "delib", "--indexation", "beaucoup"), ("--indexation",)),
        # read as the settings read it: « 0,02 » is the fraction, not 0,02 % a year
        (("--product", "delib", "--indexation", "0,02"), ("se lirait 0,02 % par an", "écrivez 2")),
        (("--product", "delib", "--indexation", "150"), ("de -50 % à 100 %",)),
        (("--product", "delib", "--override", "sans-motif"), ("CODE=MOTIF",)),
        (("--product", "delib", "--save", "--note", "X" * 301), ("--note : 300 caractères au plus", "301")),
        (  # a pasted page as a reason ran off the offer's remarks
            ("--product", "citizen", "--product", "smartweb", "--override", "excludes:citizen-smartweb=" + "X" * 301),
            ("Motif de la dérogation « excludes:citizen-smartweb » : 300 caractères au plus", "301"),
        ),
        # a mistyped code would leave the rule blocking while the command looked obeyed
        (
            ("--product", "citizen", "--product", "smartweb", "--override", "excludes:citizen-smartwb=migration"),
            ("« excludes:citizen-smartwb »", "aucune règle", "excludes:citizen-smartweb"),
        ),
    ],
)
def test_quote_refusals(
    db_path, run_comptoir, args: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    refused(run_comptoir("quote", "--kind", "commune", "--inhabitants", "12500", *args), *fragments)


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("--kind", "asbl"), ("Type de membre inconnu", "commune")),
        (("--kind", "commune"), ("--inhabitants",)),
        (("--kind", "commune", "--inhabitants", "-5"), ("négatif",)),
        (("--kind", "commune", "--inhabitants", "beaucoup"), ("entier",)),
        (("--kind", "intercommunale", "--inhabitants", "50"), ("--agents",)),
        (("--kind", "autre"), ("--category", "--reason")),
        (("--kind", "autre", "--category", "Cat 2"), ("--reason",)),
        # as long a reason as --member and the member card take, no pasted page
        (
            ("--kind", "autre", "--category", "Cat 2", "--reason", "X" * 301),
            ("--reason : 300 caractères au plus", "301"),
        ),
        (
            ("--kind", "commune", "--inhabitants", "5", "--category", "Cat 9", "--reason", "x"),
            ("Catégorie inconnue",),
        ),
        (("--member", "Nivelles", "--inhabitants", "5"), ("--kind",)),
        ((), ()),
    ],
)
def test_category_refusals(
    db_path, run_comptoir, args: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    refused(run_comptoir("category", *args), *fragments)


def test_a_reason_typed_on_several_lines_is_kept_on_one(db_path, run_comptoir) -> None:
    data = ok_json(
        run_comptoir(
            "category", "--kind", "autre", "--category", "Cat 2", "--reason", "ASBL\n  para-communale", "--json"
        )
    )
    assert data["trace"][-1] == "Catégorie choisie : Cat 2 (motif : ASBL para-communale)"


def test_unknown_member(db_path, directory, run_comptoir) -> None:
    refused(run_comptoir("category", "--member", "zzzzzzzz-introuvable"), "zzzzzzzz")


def test_ambiguous_member_lists_candidates(db_path, directory, run_comptoir) -> None:
    err = refused(run_comptoir("category", "--member", "saint"))
    assert err.count("\n") >= 2  # the message and at least one candidate


@pytest.mark.parametrize(
    ("typed", "bound"),
    [("1e30", "500"), ("99999999999999999999", "500"), ("501", "500")],
)
def test_a_huge_parameter_is_refused_not_priced(
    db_path, directory, run_comptoir, typed: str, bound: str
) -> None:
    """1e30 schools crashed the rounding (exit 1); twenty nines printed an absurd amount."""
    for command in ("quote", "offer"):
        extra = ("--pdf", str(db_path.parent / "offre.pdf")) if command == "offer" else ()
        result = run_comptoir(
            command, "--member", "Nivelles", "--product", "aes", "--param", f"aes:schools={typed}", *extra
        )
        refused(result, "schools", f"au plus {bound}")
    assert not (db_path.parent / "offre.pdf").exists()


def test_a_hypothetical_member_is_at_most_ten_million_strong(db_path, run_comptoir) -> None:
    refused(
        run_comptoir("category", "--kind", "commune", "--inhabitants", "99999999999999999999"),
        "--inhabitants", "10\u202f000\u202f000",
    )
    refused(
        run_comptoir("quote", "--kind", "rca", "--agents", "10000001", "--product", "delib"),
        "--agents", "10\u202f000\u202f000",
    )


def test_several_values_may_follow_one_flag(db_path, run_comptoir) -> None:
    """« --param aes:schools=9 aes:plans=4 » was refused as arguments not understood."""
    one_by_one = ok_json(run_comptoir(
        "quote", "--member", "Nivelles", "--product", "delib", "--product", "aes",
        "--param", "aes:schools=9", "--param", "aes:plans=4", "--json",
    ))  # fmt: skip
    together = ok_json(run_comptoir(
        "quote", "--member", "Nivelles", "--product", "delib", "aes",
        "--param", "aes:schools=9", "aes:plans=4", "--json",
    ))  # fmt: skip
    assert together == one_by_one and [line["product"] for line in together["lines"]] == ["delib", "aes"]


def test_a_cost_the_product_does_not_have_reads_a_dash_in_the_text(db_path, run_comptoir) -> None:
    out = run_comptoir("quote", "--member", "Nivelles", "--product", "stockage", "--param", "stockage:gb=10")
    assert out.returncode == 0, out.stderr
    assert "Espace de stockage supplémentaire : unique —, annuel 130,00" in out.stdout  # not 0,00 €


def test_the_help_says_years_and_indexation_default_to_the_settings(db_path, run_comptoir) -> None:
    """It said « défaut 3 » and « défaut 2 » while a laptop set to 5 years priced 5."""
    ok(run_comptoir("settings", "set", "years=5", "indexation=3"))
    assert "Année 5 (estimation, indexation 3 %)" in ok(
        run_comptoir("quote", "--kind", "commune", "--inhabitants", "10", "--product", "delib")
    )
    usage = " ".join(ok(run_comptoir("quote", "--help")).split())
    assert "(défaut : réglage years de comptoir settings, 3 sauf changement)" in usage
    assert "(défaut : réglage indexation de comptoir settings, 2 % sauf changement)" in usage


def test_several_overrides_may_follow_one_flag(db_path, run_comptoir) -> None:
    """« --override CODE=MOTIF ... », as the README writes it, took one dérogation per flag:
    a second after the first was refused as an argument not understood."""
    base = (
        "quote", "--member", "Nivelles", "--product", "citizen", "smartweb", "teleservices", "--json",
    )  # fmt: skip
    lifted = (
        "excludes:citizen-smartweb=migration du site",
        "excludes:citizen-teleservices=migration des démarches",
    )
    one_by_one = ok_json(run_comptoir(*base, "--override", lifted[0], "--override", lifted[1]))
    together = ok_json(run_comptoir(*base, "--override", *lifted))
    assert together == one_by_one
    assert not [n for n in together["notices"] if n["severity"] == "blocking"]
