"""``comptoir settings show|set``: laptops are prepared by script, with the screen's checks."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.e2e


def test_set_then_show_round_trips_and_normalises(db_path, run_comptoir) -> None:
    result = run_comptoir(
        "settings", "set", "device_code=lap1", "seller_name=Anne Dupont",
        "address_lines=Rue Léon Morel 1|5032 Isnes", "validity_days=60", "indexation=2,5 %",
    )
    assert result.returncode == 0, result.stderr
    corrected = run_comptoir("settings", "show", "--json")
    assert corrected.stderr == ""
    data = json.loads(corrected.stdout)
    assert data["device_code"] == "LAP1"  # upper-cased as the screen does
    assert data["seller_name"] == "Anne Dupont"
    assert data["address_lines"] == ["Rue Léon Morel 1", "5032 Isnes"]
    assert data["validity_days"] == 60
    assert data["indexation"] == "0.025"  # JSON keeps the fraction
    assert set(data["missing"]) == {"legal_form", "enterprise_number", "iban"}
    text = run_comptoir("settings", "show").stdout
    assert "numéro d'entreprise (enterprise_number) : [à compléter]" in text
    assert "indexation annuelle (indexation) : 2,5 %" in text  # as it can be set again


@pytest.mark.parametrize(
    ("pair", "fragment"),
    [
        ("device_code=l", "2 à 8 lettres"),
        ("validity_days=abc", "nombre entier attendu"),
        ("couleur=bleu", "Réglage inconnu"),
        ("device_code", "CLÉ=VALEUR"),
        ("indexation=25 %", "de 0 à 20 % par an"),
    ],
)
def test_bad_values_are_refused_in_french_and_nothing_is_written(
    db_path, run_comptoir, pair: str, fragment: str
) -> None:
    result = run_comptoir("settings", "set", "seller_name=Paul", pair)
    assert result.returncode == 2
    assert fragment in result.stderr and "Traceback" not in result.stderr
    data = json.loads(run_comptoir("settings", "show", "--json").stdout)
    assert data["seller_name"] == ""  # all or nothing


@pytest.mark.parametrize(
    ("pair", "fragment"),
    [
        ("seller_name=" + "A" * 3000, "120 caractères au plus"),  # accepted, then every PDF failed
        ("address_lines=" + "|".join("ligne" for _ in range(6)), "5 lignes au plus"),
        ("indexation=1e999999999 %", "de 0 à 20 % par an"),  # decimal.Overflow: exit 1
        ("validity_days=١٢", "nombre entier attendu"),  # read as 12
        ("years=1_0", "nombre entier attendu"),  # read as 10
    ],
)
def test_overlong_text_and_odd_numbers_are_refused(db_path, run_comptoir, pair: str, fragment: str) -> None:
    result = run_comptoir("settings", "set", pair)
    assert result.returncode == 2, result.stderr
    assert "comptoir : erreur : " in result.stderr and fragment in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr) < 400


@pytest.mark.parametrize(("typed", "stored"), [("2", "0.02"), ("2,5", "0.025"), ("0,02", "0.02"), ("3 %", "0.03")])
def test_the_indexation_is_read_as_quote_and_the_form_read_it(db_path, run_comptoir, typed: str, stored: str) -> None:
    """« settings set indexation=2 » was refused as 200 %, while quote --indexation 2 is 2 %."""
    result = run_comptoir("settings", "set", f"indexation={typed}")
    assert result.returncode == 0, result.stderr
    assert json.loads(run_comptoir("settings", "show", "--json").stdout)["indexation"] == stored


def test_a_stored_value_no_longer_accepted_is_named_not_replaced_by_its_default(
    db_path, run_comptoir
) -> None:
    """An address pasted from Word (its bullet, U+F0B7, printed as an empty box) was saved by
    an earlier version. Setting the device code by script put iMio's default address in its
    place without a word; it is said, with the key to give, and kept until corrected."""
    import sqlite3

    address = ["\uf0b7 Rue Saint-Fuscien 12", "80000 Amiens"]
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "INSERT INTO setting VALUES ('address_lines', ?, 'x')",
            (json.dumps(address, ensure_ascii=False),),
        )
    shown = run_comptoir("settings", "show")  # printed the default without a word
    assert shown.returncode == 0, shown.stderr
    assert "Rue Léon Morel 1" in shown.stdout
    assert shown.stderr.startswith("Attention : valeur enregistrée refusée, défaut affiché. Ligne d'adresse")
    assert shown.stderr.rstrip().endswith(": comptoir settings set address_lines=…")
    result = run_comptoir("settings", "set", "device_code=LAP2")
    assert result.returncode == 2, result.stderr
    assert "(U+F0B7)" in result.stderr and "address_lines=…" in result.stderr
    with sqlite3.connect(db_path) as conn:
        (stored,) = conn.execute("SELECT value FROM setting WHERE key = 'address_lines'").fetchone()
        (device,) = conn.execute("SELECT COUNT(*) FROM setting WHERE key = 'device_code'").fetchone()
    assert json.loads(stored) == address and device == 0  # nothing written
    result = run_comptoir(
        "settings", "set", "device_code=LAP2", "address_lines=Rue Saint-Fuscien 12|80000 Amiens"
    )
    assert result.returncode == 0, result.stderr
    corrected = run_comptoir("settings", "show", "--json")
    assert corrected.stderr == ""
    data = json.loads(corrected.stdout)
    assert (data["device_code"], data["address_lines"]) == ("LAP2", ["Rue Saint-Fuscien 12", "80000 Amiens"])
