"""Seeding: build the catalogue and the member directory from the files of ``db/``.

``SeedPlan.for_dir(db/)`` lists the parts a database is built from (each tariff folder of
``db/tariffs/`` and the Belgian directory of ``db/belgium/``) with a fingerprint of their files.
``open_database`` runs the plan inside its one transaction: a part is (re)loaded only when its
checksum differs from the one recorded in ``seed_state``, so seeding is idempotent, and the
whole run commits or rolls back together.

- A tariff loaded from seed files is replaced when its files change; a tariff imported or edited
  in the application (``origin`` other than ``seed``) is never overwritten by the seed files.
- The directory is merged: reference fields (names, codes, population, links) follow the files;
  what users recorded (corrections, membership, installed base, overrides) is kept. A
  directory imported from head office's catalogue is head office's, built from its own files:
  new seed files then bring only what a catalogue does not carry (the former communes), and
  head office's next catalogue the rest.

Every file is validated before anything is written; a violation raises ``SeedError`` (a
``CatalogueError``) naming its ``file:line``.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.core.catalogue import fold
from desktop.core.members import FormerCommune, Headcount, Member, MemberKind
from desktop.store.database import now_iso

if TYPE_CHECKING:
    from desktop.store.seed_files import Row, Violations
    from desktop.store.seed_tariff import ParsedTariff

log = logging.getLogger(__name__)

Progress = Callable[[float, str], None]

DIRECTORY_PART = "directory:belgium"
POPULATION_DATE = date(2020, 1, 1)
POPULATION_SOURCE = "Statbel"

COMMUNES_FILE = "wallonie_communes_2025.csv"
POLICE_FILE = "wallonie_zones_de_police_2025.csv"
RESCUE_FILE = "wallonie_zones_de_secours.csv"
PROVINCES_FILE = "wallonie_provinces.csv"
MERGERS_FILE = "wallonie_fusions_2025.csv"

# directory order: communes, then their CPAS, zones, provinces (search ties break on it too)
_BASE_POSITION = {
    MemberKind.COMMUNE: 0,
    MemberKind.CPAS: 1000,
    MemberKind.ZONE_DE_POLICE: 2000,
    MemberKind.ZONE_DE_SECOURS: 3000,
    MemberKind.PROVINCE: 4000,
}


def parse_tariff_dir(folder: Path, root: Path) -> ParsedTariff:
    """Read and validate one tariff folder (the parser is imported only when needed)."""
    from desktop.store.seed_tariff import parse_tariff_dir as parse

    return parse(folder, root)


def default_seed_dir() -> Path:
    from desktop.paths import db_seed_dir

    return db_seed_dir()


def checksum(files: list[Path], base: Path) -> str:
    """A fingerprint of the files' names and contents, to tell whether they changed since the
    database was seeded (a change detector, not a protection: CRC-32 and the length, which
    every start computes without loading a cryptographic library)."""
    crc, length = 0, 0
    for path in sorted(files):
        for chunk in (path.relative_to(base).as_posix().encode(), b"\0", path.read_bytes(), b"\0"):
            crc = zlib.crc32(chunk, crc)
            length += len(chunk)
    return f"crc32:{crc:08x}:{length}"


@dataclass(frozen=True, slots=True)
class SeedPart:
    """A part of the seed data (a tariff folder, the directory) and its fingerprint."""

    name: str  # "tariff:imio-2024", "directory:belgium"
    folder: Path
    checksum: str


@dataclass
class SeedPlan:
    """The parts a database is built from, to compare with what it was built from."""

    root: Path
    parts: list[SeedPart] = field(default_factory=list)

    @classmethod
    def for_dir(cls, root: Path | None = None) -> SeedPlan:
        root = Path(root) if root is not None else default_seed_dir()
        parts: list[SeedPart] = []
        tariffs = root / "tariffs"
        if tariffs.is_dir():
            for folder in sorted(p for p in tariffs.iterdir() if (p / "tariff.csv").is_file()):
                files = [f for f in folder.glob("*.csv") if f.is_file()]
                parts.append(SeedPart(f"tariff:{folder.name}", folder, checksum(files, root)))
        belgium = root / "belgium"
        if belgium.is_dir():
            files = [f for f in belgium.glob("*.csv") if f.is_file()]
            parts.append(SeedPart(DIRECTORY_PART, belgium, checksum(files, root)))
        if not parts:
            log.warning("no seed data under %s", root)
        return cls(root, parts)

    def recorded(self, conn: sqlite3.Connection) -> dict[str, str]:
        return dict(conn.execute("SELECT name, checksum FROM seed_state").fetchall())

    def up_to_date(self, conn: sqlite3.Connection) -> bool:
        recorded = self.recorded(conn)
        return all(recorded.get(p.name) == p.checksum for p in self.parts)

    def run(self, conn: sqlite3.Connection, progress: Progress | None = None) -> list[str]:
        """Load every stale part; returns their names. Call inside a transaction."""
        report = progress or (lambda _f, _m: None)
        recorded = self.recorded(conn)
        stale = [p for p in self.parts if recorded.get(p.name) != p.checksum]
        done: list[str] = []
        for i, part in enumerate(stale):
            fraction = i / len(stale)
            if part.name.startswith("tariff:"):
                report(fraction, f"Chargement du catalogue {part.folder.name}…")
                parsed = parse_tariff_dir(part.folder, self.root)
                seed_tariff(conn, parsed)
            else:
                report(fraction, "Chargement de l'annuaire des membres…")
                members = parse_directory(part.folder, self.root)
                if part.name in recorded and from_head_office(conn):  # not at the first start
                    seed_former_communes(conn, members)
                else:
                    seed_directory(conn, members)
            conn.execute(
                "INSERT INTO seed_state (name, checksum, seeded_at) VALUES (?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET checksum = excluded.checksum,"
                " seeded_at = excluded.seeded_at",
                (part.name, part.checksum, now_iso()),
            )
            log.info("seeded %s (%s)", part.name, part.checksum[:12])
            done.append(part.name)
        report(1.0, "Données de départ chargées")
        return done


# --------------------------------------------------------------------------- tariff


def seed_tariff(conn: sqlite3.Connection, parsed: ParsedTariff) -> bool:
    """Write a parsed seed tariff unless the database holds an imported/edited one."""
    from desktop.store.catalogue_repo import write_tariff

    code = parsed.tariff.code
    row = conn.execute("SELECT origin FROM tariff WHERE code = ?", (code,)).fetchone()
    if row is not None and row[0] != "seed":
        log.warning("tariff %s was %s locally: seed files not applied", code, row[0])
        return False
    write_tariff(
        conn,
        parsed.tariff,
        origin="seed",
        meta_sources=parsed.meta_sources,
        note_sources=parsed.note_sources,
    )
    return True


# --------------------------------------------------------------------------- directory


def slug(text: str) -> str:
    """'Hainaut-Centre (ZHC)' -> 'hainaut-centre'; 'Brabant wallon' -> 'brabant-wallon'."""
    head = text.split("(")[0]
    return re.sub(r"[^a-z0-9]+", "-", fold(head)).strip("-")


def rescue_zone_name(label: str) -> str:
    """'ZS Hainaut-Centre (ZHC)' -> 'Hainaut-Centre (ZHC)'."""
    return label.removeprefix("ZS ").strip()


def parse_directory(folder: Path, root: Path) -> list[Member]:
    """The reference members described by ``db/belgium/``, validated (``SeedError``)."""
    # the CSV reader only when the files are read: an everyday start only checksums them
    from desktop.store.seed_files import Violations, parse_int, read_rows

    v = Violations()
    communes_rows = read_rows(
        folder / COMMUNES_FILE,
        root,
        [
            "nis_2025",
            "name_fr",
            "name_nl",
            "province_fr",
            "population_2020_01_01",
            "postcodes",
            "police_zone_nr",
            "rescue_zone",
        ],
        problems=v,
        allow_extra=True,
    )
    police_rows = read_rows(
        folder / POLICE_FILE,
        root,
        [
            "police_zone_nr",
            "police_zone_name",
            "province_fr",
            "n_communes",
            "population_2020_01_01",
            "largest_commune_nis",
            "communes_fr",
        ],
        problems=v,
        allow_extra=True,
    )
    rescue_rows = read_rows(
        folder / RESCUE_FILE,
        root,
        ["rescue_zone", "province_fr", "n_communes", "population_2020_01_01", "communes_fr"],
        problems=v,
        allow_extra=True,
    )
    province_rows = read_rows(
        folder / PROVINCES_FILE,
        root,
        ["province_fr", "n_communes_2025", "population_2020_01_01"],
        problems=v,
        allow_extra=True,
    )
    merger_rows = read_rows(
        folder / MERGERS_FILE,
        root,
        ["nis_2025", "former_nis", "former_name_fr", "merged_on", "source"],
        problems=v,
    )
    v.raise_if_any()

    def population(row: Row, column: str = "population_2020_01_01") -> int | None:
        n = parse_int(row[column])
        if n is None or n < 0:
            v.add(row.loc, f"population invalide « {row[column]} »")
            return None
        return n

    def headcount(n: int | None) -> Headcount | None:
        return None if n is None else Headcount(n, POPULATION_DATE, POPULATION_SOURCE)

    provinces: dict[str, Row] = {}
    for row in province_rows:
        if row["province_fr"] in provinces:
            v.add(row.loc, f"province « {row['province_fr']} » en double")
        provinces[row["province_fr"]] = row
    police: dict[str, Row] = {}
    for row in police_rows:
        nr = row["police_zone_nr"]
        if not re.fullmatch(r"\d{4}", nr):
            v.add(row.loc, f"numéro de zone de police invalide « {nr} »")
        elif nr in police:
            v.add(row.loc, f"zone de police {nr} en double")
        police[nr] = row
    rescue: dict[str, Row] = {}
    for row in rescue_rows:
        if row["rescue_zone"] in rescue:
            v.add(row.loc, f"zone de secours « {row['rescue_zone']} » en double")
        rescue[row["rescue_zone"]] = row

    communes: list[Member] = []
    cpas: list[Member] = []
    pops: dict[str, int] = {}
    commune_rows: dict[str, Row] = {}
    by_police: dict[str, list[str]] = {nr: [] for nr in police}
    by_rescue: dict[str, list[str]] = {name: [] for name in rescue}
    by_province: dict[str, list[str]] = {name: [] for name in provinces}
    for row in communes_rows:
        nis = row["nis_2025"]
        if not re.fullmatch(r"\d{5}", nis):
            v.add(row.loc, f"code NIS invalide « {nis} » (5 chiffres)")
            continue
        if nis in commune_rows:
            v.add(row.loc, f"code NIS {nis} en double (déjà ligne {commune_rows[nis].line})")
            continue
        commune_rows[nis] = row
        name = row["name_fr"]
        if not name:
            v.add(row.loc, "nom français manquant")
        n = population(row)
        postcodes = tuple(row["postcodes"].split())
        bad = [p for p in postcodes if not re.fullmatch(r"\d{4}", p)]
        if bad or not postcodes:
            v.add(row.loc, f"codes postaux invalides « {row['postcodes']} »")
        province = row["province_fr"]
        if province not in provinces:
            v.add(row.loc, f"province inconnue « {province} » (voir {PROVINCES_FILE})")
        else:
            by_province[province].append(nis)
        if row["police_zone_nr"] not in police:
            v.add(
                row.loc, f"zone de police inconnue « {row['police_zone_nr']} » (voir {POLICE_FILE})"
            )
        else:
            by_police[row["police_zone_nr"]].append(nis)
        if row["rescue_zone"] not in rescue:
            v.add(
                row.loc, f"zone de secours inconnue « {row['rescue_zone']} » (voir {RESCUE_FILE})"
            )
        else:
            by_rescue[row["rescue_zone"]].append(nis)
        if n is not None:
            pops[nis] = n
        other = tuple(x for x in (row["name_nl"],) if x and x != name)
        cid = f"commune:{nis}"
        communes.append(
            Member(
                id=cid,
                kind=MemberKind.COMMUNE,
                name=name,
                nis=nis,
                postcodes=postcodes,
                province=province,
                reference_size=headcount(n),
                other_names=other,
            )
        )
        cpas.append(
            Member(
                id=f"cpas:{nis}",
                kind=MemberKind.CPAS,
                name=name,
                postcodes=postcodes,
                province=province,
                commune_id=cid,
                other_names=other,
            )
        )

    formers = _former_communes(v, merger_rows, commune_rows)
    communes = [
        replace(c, former_communes=formers[c.nis]) if c.nis in formers else c for c in communes
    ]

    zones: list[Member] = []
    for nr, row in police.items():
        members = by_police.get(nr, [])
        _check_group(v, row, members, pops, commune_rows, "n_communes")
        largest = max(members, key=lambda nis: (pops.get(nis, -1), nis), default=None)
        if largest is not None and row["largest_commune_nis"] != largest:
            v.add(
                row.loc,
                f"commune la plus peuplée : {row['largest_commune_nis']} dans le fichier, "
                f"{largest} d'après {COMMUNES_FILE}",
            )
        if not row["police_zone_name"]:
            v.add(row.loc, "nom de zone manquant")
        zones.append(
            Member(
                id=f"zp:{nr}",
                kind=MemberKind.ZONE_DE_POLICE,
                name=row["police_zone_name"],
                zone_number=nr,
                province=row["province_fr"],
                reference_size=headcount(population(row)),
                commune_ids=tuple(f"commune:{nis}" for nis in members),
            )
        )
    rescues: list[Member] = []
    seen_slugs: dict[str, str] = {}
    for label, row in rescue.items():
        members = by_rescue.get(label, [])
        _check_group(v, row, members, pops, commune_rows, "n_communes")
        name = rescue_zone_name(label)
        key = slug(name)
        if key in seen_slugs:
            v.add(row.loc, f"identifiant « zs:{key} » déjà pris par « {seen_slugs[key]} »")
        seen_slugs[key] = label
        rescues.append(
            Member(
                id=f"zs:{key}",
                kind=MemberKind.ZONE_DE_SECOURS,
                name=name,
                province=row["province_fr"],
                reference_size=headcount(population(row)),
                commune_ids=tuple(f"commune:{nis}" for nis in members),
            )
        )
    province_members: list[Member] = []
    for name, row in provinces.items():
        members = by_province.get(name, [])
        _check_group(v, row, members, pops, commune_rows, "n_communes_2025", names_column=None)
        province_members.append(
            Member(
                id=f"province:{slug(name)}",
                kind=MemberKind.PROVINCE,
                name=name,
                province=name,
                reference_size=headcount(population(row)),
            )
        )
    v.raise_if_any()
    return [*communes, *cpas, *zones, *rescues, *province_members]


def _former_communes(
    v: Violations, rows: list[Row], communes: dict[str, Row]
) -> dict[str, tuple[FormerCommune, ...]]:
    """The former communes of each merged commune (by its NIS code), checked against the codes
    the communes file gives it before the merger (``nis_2019_2024``, « 82003+82005 »): each one
    named once, none left out, none still a commune."""
    from desktop.store.seed_files import parse_date

    out: dict[str, list[FormerCommune]] = {}
    seen: dict[str, Row] = {}
    for row in rows:
        nis, former = row["nis_2025"], row["former_nis"]
        commune = communes.get(nis)
        if commune is None:
            v.add(row.loc, f"commune {nis} inconnue (voir {COMMUNES_FILE})")
            continue
        before = commune["nis_2019_2024"].split("+")
        if not re.fullmatch(r"\d{5}", former):
            v.add(row.loc, f"ancien code NIS invalide « {former} » (5 chiffres)")
            continue
        if former in seen:
            v.add(row.loc, f"ancien code NIS {former} en double (déjà ligne {seen[former].line})")
            continue
        seen[former] = row
        if former not in before:
            v.add(
                row.loc,
                f"{former} n'est pas un code de {commune['name_fr']} avant la fusion "
                f"({commune['nis_2019_2024']} d'après {COMMUNES_FILE}:{commune.line})",
            )
        if former in communes and former != nis:
            v.add(row.loc, f"{former} est encore le code NIS de {communes[former]['name_fr']}")
        day = parse_date(row["merged_on"])
        if day is None:
            v.add(row.loc, f"date de fusion invalide « {row['merged_on']} » (AAAA-MM-JJ)")
        if not row["former_name_fr"]:
            v.add(row.loc, "nom de l'ancienne commune manquant")
        if day is not None and row["former_name_fr"]:
            out.setdefault(nis, []).append(FormerCommune(former, row["former_name_fr"], day))
    for commune in communes.values():
        codes = commune["nis_2019_2024"].split("+")
        missing = [c for c in codes if len(codes) > 1 and c not in seen]
        if missing:
            v.add(
                commune.loc,
                f"{commune['name_fr']} est née de la fusion de {commune['nis_2019_2024']} : "
                f"{', '.join(missing)} absent(s) de {MERGERS_FILE}",
            )
    return {nis: tuple(found) for nis, found in out.items()}


def _check_group(
    v: Violations,
    row: Row,
    members: list[str],
    pops: dict[str, int],
    commune_rows: dict[str, Row],
    count_column: str,
    names_column: str | None = "communes_fr",
) -> None:
    """A zone or province row agrees with the communes that point to it."""
    from desktop.store.seed_files import parse_int, split_list

    count = parse_int(row[count_column])
    if count != len(members):
        v.add(
            row.loc,
            f"{count_column} = {row[count_column]} mais {len(members)} commune(s) y sont "
            f"rattachées dans {COMMUNES_FILE}",
        )
    total = sum(pops.get(nis, 0) for nis in members)
    stated = parse_int(row["population_2020_01_01"])
    if stated is not None and stated != total:
        v.add(row.loc, f"population {stated} ≠ somme des communes {total}")
    if names_column is not None:
        listed = {fold(x) for x in split_list(row[names_column])}
        actual = {fold(commune_rows[nis]["name_fr"]) for nis in members}
        if listed != actual:
            diff = sorted(listed ^ actual)
            v.add(row.loc, f"liste des communes différente de {COMMUNES_FILE} : {', '.join(diff)}")


def from_head_office(conn: sqlite3.Connection) -> bool:
    """Whether the directory is the one a catalogue from head office brought (its import
    notes when head office exported it)."""
    from desktop.store.bundles import IMPORTED_EXPORT_KEY

    row = conn.execute("SELECT 1 FROM setting WHERE key = ?", (IMPORTED_EXPORT_KEY,)).fetchone()
    return row is not None


def seed_directory(conn: sqlite3.Connection, members: list[Member]) -> None:
    """Insert or refresh the reference members; users' own data on them is kept."""
    seed_former_communes(conn, members)
    stamp = now_iso()
    counters: dict[MemberKind, int] = {}
    for m in members:
        n = counters.get(m.kind, 0)
        counters[m.kind] = n + 1
        size = m.reference_size
        conn.execute(
            "INSERT INTO member (id, kind, name, other_names, nis, zone_number, province,"
            " ref_size, ref_size_date, ref_size_source, commune_id, user_created, position,"
            " created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name,"
            " other_names = excluded.other_names, nis = excluded.nis,"
            " zone_number = excluded.zone_number, province = excluded.province,"
            " ref_size = excluded.ref_size, ref_size_date = excluded.ref_size_date,"
            " ref_size_source = excluded.ref_size_source, commune_id = excluded.commune_id,"
            " position = excluded.position, updated = excluded.updated",
            (
                m.id,
                m.kind.value,
                m.name,
                json.dumps(list(m.other_names), ensure_ascii=False),
                m.nis,
                m.zone_number,
                m.province,
                size.value if size else None,
                size.as_of.isoformat() if size and size.as_of else None,
                size.source if size else "",
                None,
                _BASE_POSITION.get(m.kind, 5000) + n,
                stamp,
                stamp,
            ),
        )
    # links once every member exists
    for m in members:
        if m.commune_id:
            conn.execute("UPDATE member SET commune_id = ? WHERE id = ?", (m.commune_id, m.id))
        conn.execute("DELETE FROM member_postcode WHERE member_id = ?", (m.id,))
        conn.executemany(
            "INSERT INTO member_postcode (member_id, position, postcode) VALUES (?, ?, ?)",
            [(m.id, i, p) for i, p in enumerate(m.postcodes)],
        )
        if m.kind in (MemberKind.ZONE_DE_POLICE, MemberKind.ZONE_DE_SECOURS):
            conn.execute("DELETE FROM zone_commune WHERE zone_id = ?", (m.id,))
            conn.executemany(
                "INSERT INTO zone_commune (zone_id, commune_id, position) VALUES (?, ?, ?)",
                [(m.id, c, i) for i, c in enumerate(m.commune_ids)],
            )


def seed_former_communes(conn: sqlite3.Connection, members: list[Member]) -> None:
    """The former communes of ``members`` in place of those stored: the part of the directory
    no catalogue carries, loaded from the files whoever's directory it is."""
    conn.execute("DELETE FROM former_commune")
    conn.executemany(
        "INSERT INTO former_commune (nis, position, former_nis, former_name, merged_on)"
        " VALUES (?, ?, ?, ?, ?)",
        [
            (m.nis, i, f.nis, f.name, f.merged_on.isoformat())
            for m in members
            for i, f in enumerate(m.former_communes)
        ],
    )
