"""Hand-built tariffs for the engine tests: a subset of iMio 2024 and of Somme Numérique 2025.

Figures are those of SEED_ANALYSIS.md (iMio 2.3, SN 3.2). The iMio fixture follows the shape the
seeded catalogue uses (every table has all category rows; an uncovered category is a row of
NOT_OFFERED cells), except T3/T6/T7 which simply omit the Provinces row, so both shapes are
exercised.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from desktop.core.catalogue import (
    Band,
    BandTable,
    Bucket,
    Cell,
    Component,
    Constraint,
    Discount,
    Family,
    Parameter,
    PriceRow,
    PriceState,
    PriceTable,
    Product,
    Rate,
    Tariff,
    Term,
)
from desktop.core.categories import (
    CategoryDecision,
    CategoryRules,
    KindRule,
    Method,
    Scale,
    Threshold,
    category_for_size,
)
from desktop.core.members import (
    Headcount,
    InstalledProduct,
    InstallState,
    Member,
    MemberKind,
    MembershipStatus,
)
from desktop.core.pricing import build_quote
from desktop.core.quote import DEFAULT_INDEXATION, LineRequest, Quote, QuoteRequest

D = Decimal
CATS = ("Cat 1", "Cat 2", "Cat 3", "Cat 4", "Cat 5", "Cat 6", "Cat 7", "Provinces")
SD = "SD"  # a "Sur devis" cell
NO = "NO"  # an explicit "not offered" cell


def category_rules() -> CategoryRules:
    def scale(code: str, label: str, unit: str, rows: list[tuple[str, int, int | None]]) -> Scale:
        return Scale(code, label, unit, tuple(Threshold(c, lo, hi) for c, lo, hi in rows))

    scales = {
        "communes_cpas": scale(
            "communes_cpas",
            "communes/CPAS",
            "habitants",
            [
                ("Cat 1", 0, 5000),
                ("Cat 2", 5001, 10000),
                ("Cat 3", 10001, 15000),
                ("Cat 4", 15001, 20000),
                ("Cat 5", 20001, 40000),
                ("Cat 6", 40001, 100000),
                ("Cat 7", 100001, None),
            ],
        ),
        "agents": scale(
            "agents",
            "intercommunales/RCA",
            "agents",
            [
                ("Cat 1", 0, 25),
                ("Cat 2", 26, 50),
                ("Cat 3", 51, 75),
                ("Cat 4", 76, 100),
                ("Cat 5", 101, None),
            ],
        ),
        "zones_de_secours": scale(
            "zones_de_secours",
            "zones de secours",
            "habitants",
            [("Cat 3", 0, 100000), ("Cat 4", 100001, 400000), ("Cat 5", 400001, None)],
        ),
    }
    K = MemberKind
    rules = {
        K.COMMUNE: KindRule(K.COMMUNE, Method.INHABITANTS, "communes_cpas"),
        K.CPAS: KindRule(K.CPAS, Method.COMMUNE_POPULATION, "communes_cpas"),
        K.ZONE_DE_POLICE: KindRule(K.ZONE_DE_POLICE, Method.LARGEST_COMMUNE, "communes_cpas"),
        K.ZONE_DE_SECOURS: KindRule(K.ZONE_DE_SECOURS, Method.INHABITANTS, "zones_de_secours"),
        K.INTERCOMMUNALE: KindRule(K.INTERCOMMUNALE, Method.AGENTS, "agents"),
        K.RCA: KindRule(K.RCA, Method.AGENTS, "agents"),
        K.PROVINCE: KindRule(K.PROVINCE, Method.FIXED, fixed_category="Provinces"),
        K.AUTRE: KindRule(K.AUTRE, Method.MANUAL),
    }
    return CategoryRules("imio-2024", CATS, scales, rules)


def _cell(v: object) -> Cell:
    if v == SD:
        return Cell(PriceState.SUR_DEVIS)
    if v == NO or v is None:
        return Cell(PriceState.NOT_OFFERED)
    return Cell(PriceState.PRICED, D(str(v)))


def table(
    code: str,
    columns: tuple[str, ...],
    rows: dict[str, tuple[object, ...]],
    *,
    full: bool = True,
    key_kind: str = "category",
) -> PriceTable:
    """rows: key -> values per column. ``full``: add NOT_OFFERED rows for missing categories."""
    out = {}
    for key, values in rows.items():
        out[key] = PriceRow(key, {c: _cell(v) for c, v in zip(columns, values, strict=True)})
    if full and key_kind == "category":
        for key in CATS:
            out.setdefault(key, PriceRow(key, {c: _cell(NO) for c in columns}))
    return PriceTable(code, columns, out, key_kind=key_kind)


def std(code: str, values: list[tuple[object, object, object]], *, full: bool = True) -> PriceTable:
    """A standard iMio table: annual, one_time, setup_days per category (in CATS order)."""
    return table(
        code, ("annual", "one_time", "setup_days"), dict(zip(CATS, values, strict=False)), full=full
    )


def comp(kind: str, bucket: Bucket | None, label: str = "", **params: str) -> Component:
    return Component(kind, bucket, params, label=label)


def std_components(t: str) -> tuple[Component, ...]:
    return (
        comp("matrix", Bucket.ANNUAL, table=t, column="annual"),
        comp("matrix", Bucket.ONE_TIME, table=t, column="one_time"),
        comp("setup_days", None, table=t, column="setup_days"),
    )


def product(code: str, name: str, family: Family = Family.GOUVERNANCE, **kw: object) -> Product:
    return Product(code=code, name=name, family=family, **kw)  # type: ignore[arg-type]


def imio_tariff() -> Tariff:
    tables = {
        "T1": std(
            "T1",
            [
                (3735, 1812, 2),
                (4468, 1812, 2),
                (5344, 2718, 3),
                (6397, 3624, 4),
                (8927, 5436, 6),
                (13353, 10872, 12),
                (19989, 22650, 25),
                (34384, 22650, 25),
            ],
        ),
        "T3": std(
            "T3",
            [
                (3730, 4530, 5),
                (4415, 4530, 5),
                (5390, 9060, 10),
                (6374, 9060, 10),
                (8895, 13590, 15),
                (13187, 31710, 35),
                (19389, 54360, 60),
            ],
            full=False,  # no Provinces row at all
        ),
        "T4": std(
            "T4",
            [
                (2774, 1812, 2),
                (3317, 1812, 2),
                (3968, 2718, 3),
                (4750, 3624, 4),
                (6629, 4530, 5),
                (9915, 10872, 12),
                (SD, SD, SD),
                (SD, SD, SD),
            ],
        ),
        "T6": table(
            "T6",
            ("per_school",),
            {
                "Cat 1": (507,),
                "Cat 2": (507,),
                "Cat 3": (546,),
                "Cat 4": (593,),
                "Cat 5": (656,),
                "Cat 6": (780,),
                "Cat 7": (937,),
            },
            full=False,
        ),
        "T7": table(
            "T7",
            ("annual",),
            {
                "Cat 1": (3402,),
                "Cat 2": (4355,),
                "Cat 3": (5190,),
                "Cat 4": (6024,),
                "Cat 5": (11450,),
                "Cat 6": (16041,),
                "Cat 7": (21884,),
            },
            full=False,
        ),
        "T8": table(
            "T8",
            ("annual", "one_time", "setup_days", "users_included", "contribution"),
            {
                "Cat 1": (4531, 5966, 5, 5, 1436),
                "Cat 2": (5342, 7159, 5, 5, 2629),
                "Cat 3": (6668, 11932, 10, 5, 2872),
                "Cat 4": (7661, 13125, 10, 10, 4065),
                "Cat 5": (15024, 31022, 15, 15, 17432),
                "Cat 6": (21231, 47726, 15, 20, 34136),
                "Cat 7": (29173, 68010, 20, 50, 49890),
                "Provinces": (33919, 68010, 20, 50, 49890),
            },
        ),
        "T9": table(
            "T9",
            ("annual", "one_time"),
            {
                "Cat 1": (696, 2340),
                "Cat 2": (696, 2924),
                "Cat 3": (696, 2924),
                "Cat 4": (1113, 4679),
                "Cat 5": (1113, 4679),
                "Cat 6": (1669, 7019),
                "Cat 7": (1669, 7019),
                "Provinces": (2782, 11698),
            },
        ),
        "T12L": table(
            "T12L",
            ("annual", "one_time"),
            {
                "Cat 1": (195, 819),
                "Cat 2": (217, 912),
                "Cat 3": (217, 912),
                "Cat 4": (259, 1088),
                "Cat 5": (259, 1088),
                "Cat 6": (348, 1462),
                "Cat 7": (520, 2187),
                "Provinces": (865, 3638),
            },
        ),
        "T13": std(
            "T13",
            [
                (2118, 3624, 4),
                (2388, 3624, 4),
                (2700, 4530, 5),
                (3058, 4530, 5),
                (4320, 5436, 6),
                (7526, 5436, 6),
                (9931, 7248, 8),
                (SD, SD, SD),
            ],
        ),
        "T16": std(
            "T16",
            [
                (2023, 2718, 3),
                (2023, 2718, 3),
                (3113, 4530, 5),
                (3113, 4530, 5),
                (4046, 5436, 6),
                (9647, 9060, 10),
                (14314, 13590, 15),
                (SD, SD, SD),
            ],
        ),
        "T17": std(
            "T17",
            [
                (4671, 7248, 8),
                (4941, 7248, 8),
                (6663, 9966, 11),
                (7021, 10872, 12),
                (9532, 12684, 14),
                (19293, SD, SD),
                (27425, SD, SD),
                (NO, NO, NO),
            ],
        ),
    }
    bands = {
        "aes_schools": BandTable(
            "aes_schools",
            (
                Band(1, 2, {"setup_days": D(2), "support_days": D(1)}, "1 à 2 écoles"),
                Band(3, 6, {"setup_days": D(4), "support_days": D(2)}, "3 à 6 écoles"),
                Band(7, 15, {"setup_days": D(6), "support_days": D(3)}, "7 à 15 écoles"),
                Band(16, 30, {"setup_days": D(10), "support_days": D(5)}, "16 à 30 écoles"),
                Band(31, None, {"setup_days": D(15), "support_days": D(7)}, "plus de 30 écoles"),
            ),
        )
    }
    rates = {
        r.code: r
        for r in (
            Rate("prestations_produits", "Prestations sur produits", D(906), "jour"),
            Rate("at_gestion_projet", "AT - Gestion de projet", D(867), "jour"),
            Rate("storage_tier", "Palier de 20 GB", D(130), "palier"),
            Rate("aes_base", "Base AES", D(636)),
            Rate(
                "tech_extra_user",
                "Utilisateur supplémentaire (indicatif)",
                D(180),
                "utilisateur/an",
            ),
        )
    }
    G, R, OPT, S = Family.GOUVERNANCE, Family.RELATION_CITOYENNE, Family.OPTIONS, Family.SERVICES
    products = [
        product(
            "delib",
            "iA.Délib",
            G,
            libre=True,
            aliases=("delib", "Délib"),
            components=std_components("T1"),
        ),
        product("urban", "iA.Urban", G, libre=True, components=std_components("T3")),
        product(
            "intranet",
            "iA.Intranet",
            G,
            libre=True,
            to_confirm="Attribution de la table T4 à iA.Intranet à confirmer.",
            components=std_components("T4"),
        ),
        product(
            "aes",
            "iA.AES",
            G,
            libre=True,
            parameters=(
                Parameter("schools", "Nombre d'écoles", minimum=D(1), required=True, unit="écoles"),
                Parameter("plans", "Plans tarifaires", minimum=D(1), default=D(1)),
            ),
            components=(
                comp(
                    "base_plus_rate",
                    Bucket.ANNUAL,
                    "Hébergement",
                    base="aes_base",
                    table="T6",
                    column="per_school",
                    quantity="schools",
                ),
                comp(
                    "band_days",
                    Bucket.ONE_TIME,
                    "Mise en œuvre",
                    bands="aes_schools",
                    column="setup_days",
                    quantity="schools",
                    rate="prestations_produits",
                ),
                comp(
                    "band_days",
                    Bucket.ANNUAL,
                    "Support annuel",
                    bands="aes_schools",
                    column="support_days",
                    quantity="schools",
                    rate="prestations_produits",
                    sur_devis_if="plans>3",
                    note="Support annuel sur devis au-delà de 3 plans tarifaires",
                ),
            ),
        ),
        product(
            "gpec",
            "iA.GPEC",
            G,
            components=(
                comp("matrix", Bucket.ANNUAL, table="T7", column="annual"),
                comp("sur_devis", Bucket.ONE_TIME, note="Mise en place sur devis"),
            ),
        ),
        product(
            "tech",
            "iA.Tech",
            G,
            parameters=(Parameter("users", "Utilisateurs supplémentaires", default=D(0)),),
            components=(
                *std_components("T8"),
                comp(
                    "note",
                    None,
                    text="{value} utilisateurs SaaS inclus",
                    table="T8",
                    column="users_included",
                ),
                comp(
                    "sur_devis_if",
                    Bucket.ANNUAL,
                    condition="users>0",
                    note=(
                        "Utilisateurs supplémentaires : sur devis "
                        "(tarification Microsoft, environ 180 € HTVA/utilisateur/an)"
                    ),
                    indicative="tech_extra_user",
                    quantity="users",
                ),
            ),
        ),
        product(
            "atal-mobile",
            "Atal Mobile",
            OPT,
            kind="option",
            parent="tech",
            components=std_components("T9")[:2],
        ),
        product(
            "atal-cb-lecteur",
            "Atal CB par lecteur",
            OPT,
            kind="option",
            parent="tech",
            parameters=(Parameter("readers", "Nombre de lecteurs", minimum=D(1), required=True),),
            components=(
                comp("matrix", Bucket.ANNUAL, table="T12L", column="annual", quantity="readers"),
                comp(
                    "matrix", Bucket.ONE_TIME, table="T12L", column="one_time", quantity="readers"
                ),
            ),
        ),
        product(
            "smartweb",
            "iA.SmartWeb",
            R,
            libre=True,
            aliases=("iA-Web",),
            components=std_components("T13"),
        ),
        product("teleservices", "iA.Téléservices", R, libre=True, components=std_components("T16")),
        product("citizen", "iA.Citizen", R, libre=True, components=std_components("T17")),
        product(
            "stockage",
            "Stockage supplémentaire",
            S,
            kind="service",
            parameters=(
                Parameter("gb", "GB au-delà du forfait", minimum=D(1), required=True, unit="GB"),
            ),
            components=(
                comp("per_block", Bucket.ANNUAL, quantity="gb", block="20", rate="storage_tier"),
            ),
        ),
        product(
            "deliberations",
            "deliberations.be",
            OPT,
            kind="option",
            parent="delib",
            parameters=(
                Parameter("days", "Jours de prestation", minimum=D(1), maximum=D(3), default=D(1)),
            ),
            components=(
                comp("days_x_rate", Bucket.ONE_TIME, days="days", rate="prestations_produits"),
                comp("note", None, text="Hébergement inclus dans la maintenance d'iA.Délib"),
            ),
        ),
        product(
            "at-gestion-projet",
            "AT - Gestion de projet",
            S,
            kind="service",
            parameters=(Parameter("days", "Jours", minimum=D(1), required=True),),
            components=(
                comp("days_x_rate", Bucket.ONE_TIME, days="days", rate="at_gestion_projet"),
            ),
        ),
        product(
            "townstreet",
            "Package Townstreet",
            OPT,
            kind="option",
            parent="tech",
            components=(comp("sur_devis", None, note="Package Townstreet : suivant devis"),),
        ),
    ]
    constraints = (
        Constraint(
            "requires:atal-mobile",
            "requires",
            "atal-mobile",
            "tech",
            "Atal Mobile est une option d'iA.Tech : ajoutez iA.Tech.",
        ),
        Constraint(
            "excludes:citizen-smartweb",
            "excludes",
            "citizen",
            "smartweb",
            "iA.Citizen contient iA.SmartWeb : ne les proposez pas ensemble.",
        ),
        Constraint(
            "excludes:citizen-teleservices",
            "excludes",
            "citizen",
            "teleservices",
            "iA.Citizen contient iA.Téléservices : ne les proposez pas ensemble.",
        ),
        Constraint(
            "requires:stockage",
            "requires",
            "stockage",
            "*",
            "Le stockage supplémentaire complète un produit.",
        ),
    )
    discounts = (
        Discount(
            "cpas-libre",
            ("cpas",),
            Bucket.ANNUAL,
            D(50),
            "commune_has_in_production",
            "libre",
            "Remise CPAS",
            term="remarque-6",
        ),
    )
    terms = (
        Term("remarque-1", "Colonnes", "…", "always"),
        Term("remarque-3-4", "Indexation", "…", "always"),
        Term("remarque-6", "Remise CPAS", "…", "cpas-libre"),
        Term("remarque-7", "Paiement", "…", "always"),
        Term("sur-devis", "Sur devis", "…", "partial"),
        Term("deliberations", "deliberations.be", "…", "deliberations"),
        Term("remarque-2", "Hébergement local", "…", "manual"),
    )
    return Tariff(
        code="imio-2024",
        issuer="iMio",
        title="Tarification 2024",
        year=2024,
        valid_from=date(2024, 1, 1),
        locale="fr_BE",
        currency="EUR",
        tax_label="HTVA",
        categories=category_rules(),
        products={p.code: p for p in products},
        tables=tables,
        bands=bands,
        rates=rates,
        constraints=constraints,
        discounts=discounts,
        terms=terms,
    )


# --------------------------------------------------------------------------- members


def commune(nis: str, name: str, population: int, *, installed: tuple[str, ...] = ()) -> Member:
    return Member(
        id=f"commune:{nis}",
        kind=MemberKind.COMMUNE,
        name=name,
        nis=nis,
        reference_size=Headcount(population, date(2020, 1, 1), "Statbel"),
        installed=tuple(InstalledProduct(p, InstallState.PRODUCTION) for p in installed),
    )


def cpas_of(c: Member) -> Member:
    return Member(id=f"cpas:{c.nis}", kind=MemberKind.CPAS, name=c.name, nis=c.nis, commune_id=c.id)


def decision_for(kind: MemberKind, n: int | None = None) -> CategoryDecision:
    rules = category_rules()
    if kind.counts_agents:
        return category_for_size(kind, rules, agents=n)
    return category_for_size(kind, rules, inhabitants=n)


def fixed(category: str | None) -> CategoryDecision:
    return CategoryDecision(category, category, (f"catégorie {category}",))


def lines(*specs: str | tuple[str, dict[str, int | str]]) -> tuple[LineRequest, ...]:
    out = []
    for s in specs:
        if isinstance(s, tuple):
            code, params = s
            out.append(LineRequest(code, {k: D(str(v)) for k, v in params.items()}))
        else:
            out.append(LineRequest(s))
    return tuple(out)


def quote(
    tariff: Tariff,
    category: str | None,
    *specs: str | tuple[str, dict[str, int | str]],
    kind: MemberKind = MemberKind.COMMUNE,
    member: Member | None = None,
    commune_has: frozenset[str] = frozenset(),
    overrides: dict[str, str] | None = None,
    years: int = 3,
    indexation: Decimal = DEFAULT_INDEXATION,
    membership: MembershipStatus | None = None,
    size: int | None = None,
) -> Quote:
    req = QuoteRequest(
        tariff.code,
        lines(*specs),
        years=years,
        indexation=indexation,
        overrides=overrides or {},
        commune_has=commune_has,
    )
    return build_quote(
        tariff,
        req,
        member,
        fixed(category),
        membership,
        kind=None if member else kind,
        size=size,
    )


# --------------------------------------------------------------------------- Somme Numérique


def sn_tariff() -> Tariff:
    """A few SN 2025 lines, stored as the engine expects them (status-keyed tables, bands)."""

    def status_table(
        code: str,
        columns: tuple[str, ...],
        membre: tuple[object, ...],
        non_membre: tuple[object, ...] | None,
    ) -> PriceTable:
        rows = {"membre": membre}
        if non_membre is not None:
            rows["non_membre"] = non_membre
        return table(code, columns, rows, key_kind="status", full=False)

    tables = {
        "SN1-communes": status_table(
            "SN1-communes", ("unit", "minimum"), ("0.10", 90), ("0.12", 90)
        ),
        "SN1-epci": status_table("SN1-epci", ("unit", "maximum"), ("0.07", 5000), None),
        "SN2": status_table("SN2", ("unit", "cap"), (65, 8000), (75, NO)),
        "SN3-autres": status_table("SN3-autres", ("markup",), (20,), (22,)),
        "SN16": status_table("SN16", ("block", "antivirus"), (75, 18), (90, 20)),
        "SN18": status_table("SN18", ("deplacement", "heure"), (170, 85), (200, 90)),
        "SN19": status_table("SN19", ("demi_journee", "journee"), (65, 95), (75, 110)),
        "SN10": status_table("SN10", ("autre",), (SD,), (SD,)),
    }
    bands = {
        "domains": BandTable(
            "domains", (Band(1, 10, {"unit": D(12)}), Band(11, None, {"unit": D(8)}))
        ),
        "intramuros": BandTable(
            "intramuros",
            (
                Band(0, 149, {"membre": D(60)}),
                Band(150, 300, {"membre": D(120)}),
                Band(301, 500, {"membre": D(180)}),
                Band(501, 1000, {"membre": D(240)}),
                Band(1001, 2000, {"membre": D(420)}),
                Band(2001, 3500, {"membre": D(540)}),
                Band(3501, 5000, {"membre": D(720)}),
                Band(5001, 10000, {"membre": D(900)}),
            ),
        ),
        "groupement": BandTable(
            "groupement",
            (
                Band(0, 498, {"membre": D(36), "non_membre": D(48)}, "< 499"),
                Band(500, 1999, {"membre": D(84), "non_membre": D(90)}, "500-1999"),
                Band(2001, None, {"membre": D(180), "non_membre": D(204)}, "> 2000"),
            ),
        ),
        "socle": BandTable(
            "socle",
            (
                Band(0, 999, {"membre": D(350), "non_membre": D(350)}),
                Band(1001, 2000, {"membre": D(450), "non_membre": D(450)}),
            ),
        ),
    }
    F = Family.SERVICES
    P = Parameter
    products = [
        product(
            "demat-communes",
            "Pack dématérialisation (communes)",
            F,
            components=(
                comp(
                    "unit_x_qty",
                    Bucket.ANNUAL,
                    quantity="inhabitants",
                    unit="SN1-communes/unit",
                    minimum="SN1-communes/minimum",
                ),
            ),
        ),
        product(
            "demat-epci",
            "Pack dématérialisation (EPCI)",
            F,
            components=(
                comp(
                    "unit_x_qty",
                    Bucket.ANNUAL,
                    quantity="inhabitants",
                    unit="SN1-epci/unit",
                    maximum="SN1-epci/maximum",
                ),
            ),
        ),
        product(
            "marches",
            "Plateforme de marchés publics",
            F,
            parameters=(P("marches", "Marchés publiés l'année N-1", required=True),),
            components=(
                comp(
                    "unit_x_qty", Bucket.ANNUAL, quantity="marches", unit="SN2/unit", cap="SN2/cap"
                ),
            ),
        ),
        product(
            "domaines",
            "Noms de domaine",
            F,
            parameters=(P("quantity", "Noms de domaine", minimum=D(1), required=True),),
            components=(comp("tiers", Bucket.ANNUAL, bands="domains", quantity="quantity"),),
        ),
        product(
            "domaines-autres",
            "Autres extensions et certificats",
            F,
            parameters=(
                P("supplier", "Prix fournisseur", integer=False, required=True),
                P("quantity", "Quantité", default=D(1)),
            ),
            components=(
                comp(
                    "cost_plus",
                    Bucket.ANNUAL,
                    supplier="supplier",
                    markup_pct="SN3-autres/markup",
                    quantity="quantity",
                ),
            ),
        ),
        product(
            "intramuros",
            "Intramuros (commune)",
            F,
            components=(
                comp(
                    "band",
                    Bucket.ANNUAL,
                    bands="intramuros",
                    on="inhabitants",
                    value="membre",
                    when="inhabitants <= 10000",
                ),
                comp(
                    "formula",
                    Bucket.ANNUAL,
                    expr="0.01 * inhabitants * 12",
                    when="inhabitants > 10000",
                ),
            ),
        ),
        product(
            "intramuros-epci",
            "Intramuros mutualisé (EPCI)",
            F,
            components=(
                comp(
                    "formula",
                    Bucket.ANNUAL,
                    expr="(100 + 0.01 * inhabitants) * 12",
                    discount_pct="5",
                ),
            ),
        ),
        product(
            "groupement",
            "Groupement de commandes",
            F,
            components=(
                comp("band", Bucket.ANNUAL, bands="groupement", on="inhabitants", value="@status"),
            ),
        ),
        product(
            "socle",
            "Socle numérique V2",
            F,
            components=(
                comp(
                    "eligibility",
                    None,
                    condition="inhabitants < 2000",
                    note="Réservé aux communes de moins de 2 000 habitants",
                ),
                comp("band", Bucket.ANNUAL, bands="socle", on="inhabitants", value="@status"),
            ),
        ),
        product(
            "securite",
            "Sécurité des postes",
            F,
            parameters=(P("postes", "Postes", minimum=D(1), required=True),),
            components=(
                comp("per_block", Bucket.ONE_TIME, quantity="postes", block="7", rate="SN16/block"),
                comp("unit_x_qty", Bucket.ANNUAL, quantity="postes", unit="SN16/antivirus"),
            ),
        ),
        product(
            "astreinte",
            "Astreinte heures non ouvrées",
            F,
            parameters=(P("minutes", "Minutes sur place", required=True),),
            components=(
                comp("fixed", Bucket.ONE_TIME, amount="SN18/deplacement"),
                comp(
                    "per_block",
                    Bucket.ONE_TIME,
                    quantity="minutes",
                    block="60",
                    included="60",
                    rate="SN18/heure",
                ),
            ),
        ),
        product(
            "salle",
            "Location de salle (demi-journée)",
            F,
            tax_mode="TTC",
            parameters=(P("grande", "Salle Cathédrale (1 = oui)", default=D(0), maximum=D(1)),),
            components=(
                comp(
                    "matrix",
                    Bucket.ONE_TIME,
                    table="SN19",
                    column="demi_journee",
                    when="grande = 0",
                ),
                comp(
                    "matrix",
                    Bucket.ONE_TIME,
                    table="SN19",
                    column="demi_journee",
                    multiplier="2",
                    when="grande = 1",
                ),
            ),
        ),
        product(
            "sauvegarde-autre",
            "Sauvegarde : tout autre besoin",
            F,
            components=(comp("matrix", Bucket.ANNUAL, table="SN10", column="autre"),),
        ),
        product(
            "espace-privatif",
            "Espace privatif",
            F,
            components=(
                comp("sur_devis", None, label="Sur étude", note="Espace privatif : sur étude"),
            ),
        ),
    ]
    return Tariff(
        code="sn-2025",
        issuer="Somme Numérique",
        title="Catalogue 2025",
        year=2025,
        valid_from=date(2025, 1, 1),
        locale="fr_FR",
        currency="EUR",
        tax_label="HT",
        categories=CategoryRules("sn-2025", (), {}, {}),
        products={p.code: p for p in products},
        tables=tables,
        bands=bands,
    )
