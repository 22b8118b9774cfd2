"""Another issuer's grid (Somme Numérique-like: member / non-member prices, bands, tiers,
formulas, supplier price plus a percentage) loads from seed files alone, into the same store."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core.catalogue import PriceState
from desktop.store.catalogue_repo import load_tariff, write_tariff
from desktop.store.database import open_database
from desktop.store.seed_files import SeedError
from desktop.store.seed_tariff import parse_tariff_dir

FILES = {
    "tariff.csv": """key,value,source
code,sn-2025,
issuer,Somme Numérique,004:L2
title,Catalogue des services mutualisés - grille tarifaire 2025,004:L2
year,2025,004:L2
valid_from,2025-01-01,004:L2
locale,fr_FR,
currency,EUR,
tax_label,HT,004:L10
categories,,
""",
    "scales.csv": "code,label,unit,source\n",
    "categories.csv": "scale,category,low,high,source\n",
    "category_rules.csv": "member_kind,method,scale,fixed_category,source\n",
    "tables.csv": """table,title,columns,key_kind,source
H1,Hébergement de site,annual,status,004:L40
""",
    "price_tables.csv": """table,key,annual,source
H1,membre,120,004:L40
H1,non_membre,240,004:L40
""",
    "bands.csv": """bands,low,high,unit,membre,non_membre,label,source
domaines,1,10,12,,,1 à 10,004:L50
domaines,11,,8,,,11 et plus,004:L51
population,0,499,,100,200,moins de 500 habitants,004:L60
population,500,,,150,300,500 habitants et plus,004:L61
""",
    "rates.csv": "rate,name,amount,unit,source\n",
    "products.csv": """code,name,family,kind,parent,table,libre,aliases,former_names,description,\
confidence,to_confirm,tax_mode,source
hebergement,Hébergement,services,service,,H1,non,,,,,,,004:L40
domaines,Noms de domaine,services,service,,,non,,,,,,,004:L50
cotisation,Cotisation,services,service,,,non,,,,,,,004:L60
assistance,Assistance,services,service,,,non,,,,,,,004:L70
materiel,Matériel,services,service,,,non,,,,,,,004:L80
salle,Location de salle,services,service,,,non,,,,,,TTC,004:L299
""",
    "product_notes.csv": "product,note,source\n",
    "parameters.csv": """product,key,label,integer,minimum,maximum,default,required,unit,source
domaines,quantity,Nombre de domaines,oui,1,,,oui,,004:L50
materiel,supplier_price,Prix fournisseur,non,0,,,oui,€,004:L80
""",
    "components.csv": """product,kind,bucket,params,label,source
hebergement,matrix,annual,column=annual,Hébergement,004:L40
domaines,tiers,annual,bands=domaines; quantity=quantity,Domaines,004:L50-L51
cotisation,band,annual,bands=population; on=inhabitants; value=@status,Cotisation,004:L60-L61
assistance,formula,annual,expr=(100 + 0.01 * inhabitants) * 12; discount_pct=5,Assistance,004:L70
assistance,eligibility,,condition=inhabitants <= 10000; note=Moins de 10 000 habitants,Éligibilité,004:L70
materiel,cost_plus,one_time,supplier=supplier_price; markup_pct=10,Matériel,004:L80
salle,fixed,one_time,amount=150,Salle,004:L299
""",
    "constraints.csv": "code,kind,product,other,message,source\n",
    "discounts.csv": "code,member_kinds,bucket,pct,condition,flag,label,term,source\n",
    "terms.csv": "code,title,text,when,source\n",
}


@pytest.fixture
def sn(tmp_path: Path) -> Path:
    folder = tmp_path / "db" / "tariffs" / "sn-2025"
    folder.mkdir(parents=True)
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_a_status_priced_grid_loads_and_round_trips(sn: Path, db_path: Path) -> None:
    tariff = parse_tariff_dir(sn, sn.parents[1]).tariff
    assert tariff.tables["H1"].cell("non_membre", "annual").amount == 240
    assert tariff.tables["H1"].cell("membre", "annual").state is PriceState.PRICED
    assert [c.kind for c in tariff.products["assistance"].components] == ["formula", "eligibility"]
    assert tariff.products["salle"].tax_mode == "TTC"
    db = open_database(db_path)
    try:
        with db.transaction() as conn:
            write_tariff(conn, tariff, origin="import")
        assert load_tariff(db, "sn-2025") == tariff
        assert load_tariff(db).code == "imio-2024"  # the first issuer stays the default
    finally:
        db.close()


def test_its_references_are_checked_too(sn: Path) -> None:
    components = sn / "components.csv"
    text = components.read_text(encoding="utf-8")
    components.write_text(
        text.replace("value=@status", "value=adherent").replace(
            "0.01 * inhabitants", "0.01 * habitants"
        ),
        encoding="utf-8",
    )
    prices = sn / "price_tables.csv"
    prices.write_text(
        prices.read_text(encoding="utf-8").replace("H1,membre", "H1,adherent"), encoding="utf-8"
    )
    with pytest.raises(SeedError) as info:
        parse_tariff_dir(sn, sn.parents[1])
    reasons = [why for _, why in info.value.violations]
    assert any("statut inconnu « adherent »" in r for r in reasons)
    assert any("pas de colonne « adherent »" in r for r in reasons)
    assert any("« habitants »" in r for r in reasons)
