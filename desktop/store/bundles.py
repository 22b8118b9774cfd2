"""Bundles: offers from offline laptops to head office, catalogue from head office to laptops.

A bundle is one zip file. ``manifest.json`` names its kind (``offres`` or ``catalogue``), its
format version, the device and schema version that made it, when, and every other file in the
zip with its size and SHA-256. Importing reads the whole bundle and checks it first (zip,
manifest, checksums, every offer decodes, every PDF matches its fingerprint): a corrupt,
truncated, foreign or mislabelled file is refused with a French message and nothing is
written.

Offers bundle (laptop -> head office)
    ``offres/<numéro>.json`` (offer, snapshot, fingerprint, audit entries) and
    ``offres/<numéro>.pdf`` (the frozen PDF), and ``bons/<numéro>.pdf`` (the order form of a
    converted offer, as printed; kept at head office when it has none). Only finalised
    (numbered) offers travel: a draft is personal work in progress. Import, in one transaction, per offer:
    - unknown number: inserted as it is (state, snapshot, PDF, history);
    - same number, same frozen content: nothing to do, except adding history entries the
      head office does not have yet (by entry id) and following the state forward when the
      laptop moved it along the lifecycle (sent -> accepted...): reported as *mis à jour*;
    - same number, different content (another offer, or states that diverged, e.g. accepted
      here and refused there): a **conflict**, reported, never overwritten.
    Importing the same bundle twice changes nothing the second time.

Catalogue bundle (head office -> laptops)
    Every row of the catalogue and member directory tables (read generically from the schema:
    every table except the offers, their history, the device's own settings and bookkeeping).
    A laptop imports it all or nothing in one transaction: the tables are replaced, then the
    foreign keys are checked and every tariff and the directory are loaded back through the
    normal loaders, and every tariff is held to the rules the seed files obey
    (``desktop.core.catalogue.check_tariff``: amounts finite, not negative, bounded, to the
    cent...) before committing. A value that cannot be read or breaks a rule refuses the whole
    bundle, naming the row and the value. The laptop's offers and settings are not touched,
    and the members it created itself that head office does not know yet are kept.

    ``numeros.json`` adds the highest offer number head office holds for each device and year.
    The laptop notes them among the numbers already given (``NumbersGiven``): a laptop rebuilt
    from an older backup (a new machine, the same device code) never gives again a number that
    already reached head office. Bundles without it (older versions) import as before.
    A catalogue exported before the one the laptop imported last (its manifest's ``created``,
    noted in ``setting``) is refused: last year's bundle left on a key would put last year's
    grid back in force.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from desktop.core.errors import ComptoirError, InvalidInput, StorageError
from desktop.core.format import group_int
from desktop.core.inputs import shown
from desktop.core.offers import (
    MANUAL_TRANSITIONS,
    SYSTEM_TRANSITIONS,
    AuditEntry,
    Offer,
    OfferNumber,
    OfferState,
    check_device_code,
)
from desktop.store import offer_codec as codec
from desktop.store.faults import BundleError, storage_errors
from desktop.store.files import atomic_file, check_target, is_sqlite_file
from desktop.store.offers_repo import (
    NumbersGiven,
    OfferRepository,
    content_sha256,
    highest_seq,
    insert_audit,
)

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
KIND_OFFERS = "offres"
KIND_CATALOGUE = "catalogue"
APP = "comptoir"
MAX_MEMBER_BYTES = 200 * 1024 * 1024  # one file inside a bundle
MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
# What Comptoir writes compresses ten times at most (JSON); a file inflating a hundred times
# more than it weighs in the zip is a zip bomb, refused before it is read.
MAX_RATIO = 100
MAX_RATIO_FREE = 1024 * 1024  # below, any ratio: a small file costs nothing
# What Comptoir writes nests ten levels at most (an offer's snapshot); deeper is hand-made.
MAX_JSON_DEPTH = 64

# Tables a catalogue bundle never carries: the device's own work and bookkeeping, and the
# former communes of a merger, which every version seeds from its own files (0025: a bundle
# carrying them would be refused by a version before them, and refuse one of theirs).
LOCAL_TABLES = frozenset(
    {
        "offers",
        "audit_log",
        "order_forms",
        "setting",
        "settings",
        "schema_version",
        "seed_state",
        "former_commune",
    }
)
# The last migration that changed what a catalogue bundle carries (0001 catalogue, 0002 members,
# 0020 templates). Later ones touch only LOCAL_TABLES or indexes: a catalogue from one side of
# them reads the same on the other, so head office and laptops need not update on the same day.
CATALOGUE_SCHEMA = 20
# A catalogue holding what an older version reads without error but prices otherwise carries a
# higher ``catalogue_schema``: that version refuses it and says to update Comptoir, instead of
# quoting other prices than head office. 21: an amount the discounts leave whole (a component's
# ``discountable=non``: iA.AES's support days, which versions before it halved for a CPAS).
DISCOUNTABLE_SCHEMA = 21
# 22: an order form's wording with conditional text ([[si …]]), which versions before it refused
# as broken, telling the laptop to ask head office to correct it.
CONDITIONS_SCHEMA = 22
READABLE_CATALOGUES = (CATALOGUE_SCHEMA, DISCOUNTABLE_SCHEMA, CONDITIONS_SCHEMA)
MEMBER_TABLE = "member"
ORDER_FORMS_DIR = "bons"  # in an offers bundle: bons/<numéro>.pdf, the order form of a converted offer
NUMBERS_FILE = "numeros.json"  # in a catalogue bundle: highest number per device and year
IMPORTED_EXPORT_KEY = "catalogue_exporte_le"  # in ``setting``: when the last one imported was made
MAX_SEQ = 999_999  # a device's offers in one year, at most: beyond, the file was tampered with


# --- reports -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExportReport:
    path: Path
    offers: tuple[str, ...]
    drafts_skipped: int = 0

    @property
    def summary(self) -> str:
        text = f"{len(self.offers)} offre(s) exportée(s) dans {self.path}"
        if self.drafts_skipped:
            text += f" ; {self.drafts_skipped} brouillon(s) non exporté(s) (finalisez-les d'abord)"
        return text + "."


@dataclass(frozen=True, slots=True)
class Conflict:
    number: str
    reason: str


@dataclass(frozen=True, slots=True)
class ImportReport:
    imported: tuple[str, ...] = ()
    identical: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    device: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.imported or self.updated)

    def lines(self, bundle: str = "") -> list[str]:
        """The report as text: which device sent the bundle, then each offer under what
        became of it."""
        out = [f"Lot {bundle or 'importé'} de l'appareil {self.device or '?'} :"]
        for title, numbers in (
            ("Offres importées", self.imported),
            ("Déjà présentes, identiques (ignorées)", self.identical),
            ("Mises à jour (état ou historique)", self.updated),
        ):
            out.append(f"{title} : {len(numbers)}")
            out += [f"  - {n}" for n in numbers]
        out.append(f"Conflits (non importées) : {len(self.conflicts)}")
        out += [f"  - {c.number} : {c.reason}" for c in self.conflicts]
        return out


# What each table of a catalogue bundle holds, as the import report names it.
TABLE_LABELS = {
    "tariff": "Tarifs",
    "tariff_meta": "Informations des tarifs",
    "tariff_category": "Catégories des tarifs",
    "category_scale": "Échelles de catégories",
    "category_threshold": "Seuils des catégories",
    "category_rule": "Règles de catégorie par type de membre",
    "product": "Produits",
    "product_name": "Noms des produits",
    "product_note": "Notes des produits",
    "parameter": "Paramètres des produits",
    "component": "Règles de prix des produits",
    "price_table": "Tableaux de prix",
    "price_row": "Lignes des tableaux de prix",
    "price_cell": "Cases des tableaux de prix",
    "band": "Tranches",
    "rate": "Taux",
    "rule_constraint": "Règles entre produits",
    "discount": "Remises",
    "term": "Conditions",
    "document_templates": "Modèles de documents",
    "member": "Membres",
    "member_postcode": "Codes postaux des membres",
    "zone_commune": "Communes des zones de police",
    "installed_product": "Produits installés chez les membres",
}


@dataclass(frozen=True, slots=True)
class CatalogueReport:
    path: Path
    tables: dict[str, int] = field(default_factory=dict)  # table -> rows
    kept_local_members: int = 0
    drafts_on_missing_tariffs: tuple[str, ...] = ()
    # rows that break the grid's own rule (setup = days x day rate): imported, and said
    setup_breaks: tuple[str, ...] = ()
    drafts_requoted: tuple[str, ...] = ()  # drafts whose stored figures changed with it
    drafts_unpriced: tuple[str, ...] = ()  # drafts the new catalogue cannot price: unchanged
    drafts_requoted_ids: tuple[str, ...] = ()  # the offer ids of ``drafts_requoted``
    # this device's highest number at head office, when this database has none that high
    # (rebuilt from an older backup): the next offer takes a higher one
    numbers_ahead: str | None = None
    # an export that versions before DISCOUNTABLE_SCHEMA refuse: their laptops update first
    needs_update: bool = False
    drafts_unpriced_ids: tuple[str, ...] = ()  # the offer ids of ``drafts_unpriced``
    # members created here, kept, whose name a member of head office's directory has too
    same_names: tuple[str, ...] = ()
    # an export whose order form has conditional text, that versions before CONDITIONS_SCHEMA
    # refuse (one of the reasons of ``needs_update``)
    conditional_wording: bool = False

    def lines(self) -> list[str]:
        order = {t: i for i, t in enumerate(TABLE_LABELS)}  # the catalogue, then the directory
        out = [
            f"{TABLE_LABELS.get(t, t)} : {n} ligne{'s' if n > 1 else ''}"
            for t, n in sorted(self.tables.items(), key=lambda tn: (order.get(tn[0], len(order)), tn[0]))
        ]
        if self.kept_local_members:
            out.append(f"Membres créés sur cet appareil et conservés : {self.kept_local_members}")
        if self.same_names:
            out.append(same_names_text(self.same_names))
        if self.drafts_on_missing_tariffs:
            out.append(
                "Brouillons sur un tarif absent du catalogue importé (à recalculer) : "
                + ", ".join(self.drafts_on_missing_tariffs)
            )
        if self.setup_breaks:  # one row a line, the first ones: a whole grid made one long line
            shown = self.setup_breaks[:SHOWN_BREAKS]
            out.append(f"À vérifier, mise en place ≠ jours × taux journalier ({len(self.setup_breaks)}) :")
            out += [f"  - {row}" for row in shown]
            if len(self.setup_breaks) > len(shown):
                out.append(f"  - … et {len(self.setup_breaks) - len(shown)} autres (le journal les donne toutes)")
        if self.drafts_requoted:
            out.append(
                f"Brouillons recalculés sur ce catalogue ({len(self.drafts_requoted)}) : "
                + ", ".join(self.drafts_requoted)
            )
        if self.drafts_unpriced:
            out.append(
                f"Brouillons que ce catalogue ne calcule plus, laissés tels quels "
                f"({len(self.drafts_unpriced)}) : " + ", ".join(self.drafts_unpriced)
            )
        if self.numbers_ahead:
            out.append(numbers_ahead_text(self.numbers_ahead))
        return out


def same_names_text(names: tuple[str, ...]) -> str:
    return (
        "Membres créés sur cet appareil sous un nom que l'annuaire du siège porte aussi (les "
        f"deux sont gardés, avec leurs offres) : {', '.join(names)}. Vérifiez s'il s'agit du même "
        "organisme : si oui, faites les nouvelles offres pour celui de l'annuaire du siège."
    )


def numbers_ahead_text(number: str) -> str:
    return (
        f"Le siège a déjà des offres de cet appareil jusqu'au numéro {number}, absentes de "
        "cette base (restaurée d'une sauvegarde ?) : la prochaine offre prendra la suite."
    )


# --- zip plumbing --------------------------------------------------------------------------


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _write_zip(out: Path, manifest: dict[str, Any], files: Iterable[tuple[str, bytes]]) -> None:
    """Write the zip file after file, as ``files`` gives them (one offer in memory at a time),
    atomically (``atomic_file``: a folder that cannot be written, a full disk... become French
    messages, nothing half-written). The manifest, which lists them with their checksums,
    comes last."""
    out = check_target(out, field="out")  # before the work: a database is never the target
    listed = []
    with atomic_file(out, what="le lot") as f, zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files:
            listed.append({"path": name, "size": len(data), "sha256": codec.sha256_hex(data)})
            z.writestr(_info(name), data)
        body = json.dumps({**manifest, "files": listed}, ensure_ascii=False, indent=2, sort_keys=True)
        z.writestr(_info("manifest.json"), body.encode("utf-8"))


def _info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))  # same content, same bytes
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


@dataclass(frozen=True, slots=True)
class Bundle:
    path: Path
    manifest: dict[str, Any]
    files: dict[str, bytes]  # every file but the manifest, checked against its checksum

    @property
    def kind(self) -> str:
        return str(self.manifest.get("kind", ""))

    @property
    def device(self) -> str:
        return str(self.manifest.get("device", ""))


def read_bundle(path: Path, expected_kind: str) -> Bundle:
    """Open and verify a bundle completely. ``BundleError`` (French) otherwise."""
    path = Path(path).expanduser()
    if not path.exists():
        raise InvalidInput(f"Fichier introuvable : {path}. Vérifiez le chemin.", field="file")
    if path.is_dir():
        raise InvalidInput(f"{path} est un dossier : indiquez le fichier du lot.", field="file")
    with storage_errors("lire le lot", path):
        handle = path.open("rb")
    with handle:
        return _read_zip(handle, path, expected_kind)


def _read_zip(handle: BinaryIO, path: Path, expected_kind: str) -> Bundle:
    """``read_bundle`` on the open file: only what the manifest lists is read, each file once
    checked against the sizes the zip declares (``_member``)."""
    name = path.name
    try:
        with storage_errors("lire le lot", path):
            z = zipfile.ZipFile(handle)
    except zipfile.BadZipFile:
        if is_sqlite_file(path):
            raise BundleError(
                f"« {name} » n'est pas un lot Comptoir : c'est une base de données, une sauvegarde "
                "sans doute. Une sauvegarde se remet par Fichier > Restaurer la base… (comptoir "
                "restore) ; rien n'a été importé."
            ) from None
        raise BundleError(
            f"« {name} » n'est pas un lot Comptoir (ce n'est pas une archive zip, ou elle est "
            "tronquée). Demandez un nouvel export."
        ) from None
    with z:
        names = z.namelist()
        if "manifest.json" not in names:
            raise BundleError(
                f"« {name} » n'est pas un lot Comptoir : il ne contient pas de manifeste "
                "(manifest.json)."
            )
        manifest = _json(_member(z, "manifest.json", name), f"{name}:manifest.json")
        if not isinstance(manifest, dict) or manifest.get("app") != APP:
            raise BundleError(f"« {name} » n'est pas un lot Comptoir (manifeste étranger).")
        kind = manifest.get("kind")
        if kind != expected_kind:
            hint = {
                KIND_OFFERS: "c'est un lot d'offres : utilisez « Importer des offres » (en "
                "ligne de commande : comptoir offers import)",
                KIND_CATALOGUE: "c'est un lot de catalogue : utilisez « Importer le catalogue » "
                "(en ligne de commande : comptoir catalogue import)",
            }.get(str(kind), f"type inconnu « {kind} »")
            raise BundleError(f"« {name} » ne convient pas ici : {hint}.")
        version = manifest.get("format")
        if not isinstance(version, int) or version > FORMAT_VERSION or version < 1:
            raise BundleError(
                f"« {name} » est au format {version}, que cette version de Comptoir ne lit pas "
                f"(format {FORMAT_VERSION}). Mettez Comptoir à jour."
            )
        listed = manifest.get("files")
        if not isinstance(listed, list):
            raise BundleError(f"« {name} » : manifeste incomplet (liste des fichiers absente).")
        expected: dict[str, dict[str, Any]] = {}
        for item in listed:
            if not isinstance(item, dict) or not isinstance(item.get("path"), str):
                raise BundleError(f"« {name} » : manifeste invalide (entrée de fichier illisible).")
            expected[item["path"]] = item
        present = set(names) - {"manifest.json"}
        missing = sorted(set(expected) - present)
        extra = sorted(present - set(expected))
        if missing:
            raise BundleError(
                f"« {name} » est incomplet : fichier(s) manquant(s) {', '.join(missing[:5])}."
            )
        if extra:
            raise BundleError(
                f"« {name} » contient des fichiers que son manifeste ne cite pas : "
                f"{', '.join(extra[:5])}. Il a été modifié : demandez un nouvel export."
            )
        infos = z.infolist()
        for info in infos:  # the file that inflates too much named, before the whole
            _check_size(info, name)
        total = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos)
        if total > MAX_TOTAL_BYTES or _inflates(total, packed):
            # files each under MAX_RATIO_FREE, a thousand of them, inflate as much as one
            raise _too_big(f"« {name} »", packed, total)
        files: dict[str, bytes] = {}
        for member_name, item in expected.items():
            data = _member(z, member_name, name)
            if len(data) != item.get("size") or codec.sha256_hex(data) != item.get("sha256"):
                raise BundleError(
                    f"« {name} » est endommagé : l'empreinte de {member_name} ne correspond pas "
                    "au manifeste. Rien n'a été importé ; demandez un nouvel export."
                )
            files[member_name] = data
    return Bundle(path, manifest, files)


def _inflates(size: int, packed: int) -> bool:
    """Whether ``size`` bytes out of ``packed`` in the zip is a zip bomb (``MAX_RATIO``)."""
    return size > MAX_RATIO_FREE and size > MAX_RATIO * packed


def _check_size(info: zipfile.ZipInfo, name: str) -> None:
    if info.file_size > MAX_MEMBER_BYTES or _inflates(info.file_size, info.compress_size):
        raise _too_big(f"« {name} » : {info.filename}", info.compress_size, info.file_size)


def _too_big(what: str, packed: int, size: int) -> BundleError:
    return BundleError(
        f"{what} est anormalement volumineux ({group_int(packed)} octets qui en donneraient "
        f"{group_int(size)}). Rien n'a été importé ; demandez un nouvel export."
    )


def _member(z: zipfile.ZipFile, member: str, name: str) -> bytes:
    try:
        _check_size(z.getinfo(member), name)
        return z.read(member)
    except (RuntimeError, NotImplementedError) as e:  # a password, or Deflate64 and the like
        log.warning("bundle %s: %s unreadable: %s", name, member, e)
        raise BundleError(
            f"« {name} » a été recompressé après l'export (avec un mot de passe ou une méthode "
            f"que Comptoir ne lit pas : {member}). Importez le fichier tel que Comptoir l'a "
            "exporté, sans le recompresser ; rien n'a été importé."
        ) from None
    except (zipfile.BadZipFile, zlib_error(), EOFError, KeyError, OSError) as e:
        log.warning("bundle %s: %s unreadable: %s", name, member, e)
        raise BundleError(
            f"« {name} » est endommagé : {member} ne peut pas être décompressé. Rien n'a été "
            "importé ; demandez un nouvel export."
        ) from None


def zlib_error() -> type[Exception]:
    import zlib

    return zlib.error


def _json(data: bytes, where: str) -> Any:
    try:
        value = json.loads(data.decode("utf-8"))
        _shallow(value)
        return value
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as e:
        raise BundleError(
            f"{where} : JSON illisible ({codec.json_problem(e)}) ; le lot a été modifié ou abîmé. "
            "Rien n'a été importé ; demandez un nouvel export."
        ) from None


def _shallow(value: Any) -> None:
    """``RecursionError`` when lists and objects nest deeper than ``MAX_JSON_DEPTH``: the parser
    reads some hundreds of levels, which the code freezing an offer again could not walk."""
    level = [value]
    for _ in range(MAX_JSON_DEPTH + 1):
        level = [v for x in level if isinstance(x, list | dict) for v in (x.values() if isinstance(x, dict) else x)]
        if not level:
            return
    raise RecursionError


# --- offers bundle -------------------------------------------------------------------------


def _in_production(conn: sqlite3.Connection) -> dict[str, frozenset[str]]:
    """Member id -> the products it has in production (a commune's: its CPAS's discount)."""
    found: dict[str, set[str]] = {}
    for member_id, product in conn.execute(
        "SELECT member_id, product FROM installed_product WHERE state = 'production'"
    ):
        found.setdefault(member_id, set()).add(product)
    return {m: frozenset(p) for m, p in found.items()}


def _check_catalogue_schema(manifest: dict[str, Any], here: int, name: str) -> None:
    """A catalogue reads here when its tables are those of this version: the same
    ``catalogue_schema``, or, from a version before that key, a schema version from
    CATALOGUE_SCHEMA up to this database's."""
    version = manifest.get("schema_version")
    theirs = manifest.get("catalogue_schema")
    if theirs is None:
        readable = isinstance(version, int) and CATALOGUE_SCHEMA <= version <= here
        newer = isinstance(version, int) and version > here
    else:
        readable = theirs in READABLE_CATALOGUES
        newer = isinstance(theirs, int) and theirs > max(READABLE_CATALOGUES)
    if not readable:
        raise BundleError(
            f"« {name} » vient d'une version de Comptoir au schéma {version}, cette base est au "
            f"schéma {here} : "
            + (
                "mettez Comptoir à jour sur cet appareil."
                if newer
                else "le siège doit ré-exporter avec une version à jour."
            )
        )


def _schema_version(conn: sqlite3.Connection) -> int:
    try:
        row = conn.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()
    except sqlite3.OperationalError:
        return 0
    return int(row[0])


def _device(repo: OfferRepository) -> str:
    try:
        return str(getattr(repo.settings(), "device_code", "") or "")
    except ComptoirError:
        return ""


def export_offers(
    repo: OfferRepository,
    out: Path,
    *,
    since: date | None = None,
    refs: Iterable[str] | None = None,
) -> ExportReport:
    """Write the finalised offers changed since ``since`` (or the ``refs`` given, or all)."""
    conn = repo.conn
    where = getattr(repo.db, "path", None)
    with storage_errors("lire les offres à exporter", where):
        if refs is not None:
            # an offer named twice (its number, then its id or in other letters) travels once
            ids = list(dict.fromkeys(repo.get(r).id for r in refs))
        else:
            from desktop.store.offers_repo import OfferFilter

            ids = [s.id for s in repo.list_offers(OfferFilter(since=since))]
        found = []
        drafts = 0
        for oid in ids:
            row = conn.execute("SELECT number FROM offers WHERE id = ?", (oid,)).fetchone()
            if row is None or row[0] is None:
                drafts += 1
                continue
            found.append((row[0], oid))
    found.sort()
    numbers = [number for number, _ in found]

    def files() -> Iterator[tuple[str, bytes]]:
        """Each offer's files, read as the zip takes them (its PDF never waits in memory)."""
        for number, oid in found:
            with storage_errors("lire les offres à exporter", where):
                snapshot_json, fingerprint, pdf, origin = conn.execute(
                    "SELECT snapshot_json, content_sha256, pdf, origin FROM offers WHERE id = ?",
                    (oid,),
                ).fetchone()
            doc = {
                "offer": codec.offer_to_data(repo.get(oid)),
                "snapshot": codec.loads(snapshot_json),
                "content_sha256": fingerprint,
                "origin": origin,
                "audit": [codec.audit_to_data(e) for e in repo.audit(oid)],
            }
            kept = repo.order_form(oid)
            if kept is not None:  # the order form signed travels with it, as it was printed
                doc["order_form_template_version"] = kept[1]
            yield f"offres/{number}.json", codec.canonical_json(doc).encode("utf-8")
            yield f"offres/{number}.pdf", bytes(pdf)
            if kept is not None:
                yield f"{ORDER_FORMS_DIR}/{number}.pdf", kept[0]

    manifest = {
        "app": APP,
        "kind": KIND_OFFERS,
        "format": FORMAT_VERSION,
        "device": _device(repo),
        "schema_version": _schema_version(conn),
        "created": _now_iso(),
        "since": since.isoformat() if since else None,
        "offers": numbers,
    }
    _write_zip(out, manifest, files())
    log.info("exported %d offers to %s", len(numbers), out)
    return ExportReport(Path(out), tuple(numbers), drafts)


@dataclass(frozen=True, slots=True)
class _Incoming:
    offer: Offer
    snapshot: dict[str, Any]
    fingerprint: str
    audit: tuple[AuditEntry, ...]
    pdf: bytes
    origin: str
    order_form: bytes | None = None  # of a converted offer, as printed on the laptop
    order_form_template: int | None = None


def _parse_offers(bundle: Bundle) -> list[_Incoming]:
    name = bundle.path.name
    listed = bundle.manifest.get("offers")
    if not isinstance(listed, list):
        raise BundleError(f"« {name} » : manifeste incomplet (liste des offres absente).")
    out = []
    for number in listed:
        if not isinstance(number, str) or not OfferNumber.looks_like(number):
            raise BundleError(
                f"« {name} » : numéro d'offre invalide dans le manifeste ({number!r})."
            )
        jpath, ppath = f"offres/{number}.json", f"offres/{number}.pdf"
        if jpath not in bundle.files or ppath not in bundle.files:
            raise BundleError(
                f"« {name} » : l'offre {number} est incomplète (JSON ou PDF manquant)."
            )
        doc = _json(bundle.files[jpath], f"{name}:{jpath}")
        unreadable = (
            f"« {name} » : l'offre {number} est illisible ({{}}). Rien n'a été importé ; "
            "demandez un nouvel export."
        )
        if not isinstance(doc, dict):
            raise BundleError(unreadable.format(f"{jpath} n'a pas la forme d'une offre"))
        missing = [k for k in ("offer", "snapshot", "content_sha256") if k not in doc]
        if missing:
            raise BundleError(unreadable.format(f"champ « {missing[0]} » absent"))
        try:
            offer = codec.offer_from_data(doc["offer"])
            audit_data = doc.get("audit", [])
            if not isinstance(audit_data, list):
                raise codec.CodecError("liste attendue à historique")
            audit = tuple(codec.audit_from_data(e) for e in audit_data)
            snapshot = doc["snapshot"]
            fingerprint = str(doc["content_sha256"])
            origin = str(doc.get("origin") or "")
        except ComptoirError as e:  # the codec says where, in French
            raise BundleError(unreadable.format(str(e).rstrip("."))) from None
        except (KeyError, TypeError, ValueError) as e:
            log.warning("bundle %s: offer %s unreadable: %s", name, number, e)
            raise BundleError(unreadable.format("contenu inattendu")) from None
        pdf = bundle.files[ppath]
        problems = []
        if offer.number != number:
            problems.append("numéro différent du nom de fichier")
        if (
            offer.is_draft
            or offer.quote is None
            or offer.valid_until is None
            or offer.finalised is None
        ):
            problems.append("ce n'est pas une offre finalisée complète")
        if codec.sha256_hex(pdf) != offer.pdf_sha256:
            problems.append("le PDF ne correspond pas à son empreinte")
        if content_sha256(offer) != fingerprint:
            problems.append("le contenu ne correspond pas à son empreinte")
        if not isinstance(snapshot, dict):
            problems.append("instantané illisible")
        if any(e.offer_id != offer.id for e in audit):
            problems.append("historique d'une autre offre")
        if problems:
            raise BundleError(
                f"« {name} » : l'offre {number} est refusée ({', '.join(problems)}). Rien n'a été "
                "importé ; demandez un nouvel export."
            )
        order_form = bundle.files.get(f"{ORDER_FORMS_DIR}/{number}.pdf")
        if order_form is not None and (
            not order_form.startswith(b"%PDF") or offer.state is not OfferState.CONVERTIE
        ):
            raise BundleError(
                f"« {name} » : le bon de commande de l'offre {number} est refusé (pas un PDF, ou "
                "offre non convertie). Rien n'a été importé ; demandez un nouvel export."
            )
        version = doc.get("order_form_template_version")
        out.append(
            _Incoming(
                offer, snapshot, fingerprint, audit, pdf, origin or bundle.device, order_form,
                version if isinstance(version, int) and not isinstance(version, bool) else None,
            )
        )
    return out


def _reachable(start: OfferState) -> set[OfferState]:
    """Stored states reachable from ``start`` along the lifecycle (expiry is not stored)."""
    table: dict[OfferState, set[OfferState]] = {}
    for src in OfferState:
        targets = set(MANUAL_TRANSITIONS.get(src, ())) | set(SYSTEM_TRANSITIONS.get(src, ()))
        table[src] = targets
    # an expired offer is stored as finalisee/envoyee: it may move as expiree does
    for src in (OfferState.FINALISEE, OfferState.ENVOYEE):
        table[src] |= table[OfferState.EXPIREE]
    seen: set[OfferState] = set()
    todo = [start]
    while todo:
        s = todo.pop()
        for t in table.get(s, ()):
            if t is not OfferState.EXPIREE and t not in seen:
                seen.add(t)
                todo.append(t)
    return seen


def import_offers(repo: OfferRepository, path: Path, *, who: str | None = None) -> ImportReport:
    """Verify the whole bundle, then import it in one transaction (see the module notes)."""
    bundle = read_bundle(path, KIND_OFFERS)
    incoming = _parse_offers(bundle)
    imported: list[str] = []
    identical: list[str] = []
    updated: list[str] = []
    conflicts: list[Conflict] = []
    now = repo.clock()
    by = who or repo.who()
    with repo._tx("importer les offres") as conn:
        for item in incoming:
            o = item.offer
            assert o.number is not None
            row = conn.execute(
                "SELECT id, content_sha256, state FROM offers WHERE number = ?", (o.number,)
            ).fetchone()
            same_id = conn.execute("SELECT number FROM offers WHERE id = ?", (o.id,)).fetchone()
            if row is None and same_id is not None:
                conflicts.append(
                    Conflict(
                        o.number,
                        f"son identifiant est déjà utilisé ici par {same_id[0] or 'un brouillon'}",
                    )
                )
                continue
            if row is None:
                _insert_frozen(conn, item)
                _keep_order_form(repo, item)
                for e in item.audit:
                    insert_audit(conn, e)
                insert_audit(
                    conn,
                    AuditEntry(
                        when=now,
                        who=by,
                        action="import",
                        from_state=None,
                        to_state=o.state,
                        why=f"lot {bundle.path.name} de l'appareil {bundle.device or '?'}",
                        offer_id=o.id,
                        number=o.number,
                        uid=codec.sha256_hex(f"import:{o.id}:{item.fingerprint}")[:32],
                    ),
                )
                imported.append(o.number)
                continue
            local_id, local_fp, local_state = row
            if local_id != o.id or local_fp != item.fingerprint:
                conflicts.append(
                    Conflict(
                        o.number,
                        "une autre offre porte déjà ce numéro ici (contenu différent) ; "
                        "elle n'a pas été remplacée",
                    )
                )
                continue
            here = OfferState(local_state)
            there = o.state
            if there is not here and there not in _reachable(here) and here not in _reachable(there):
                conflicts.append(
                    Conflict(
                        o.number,
                        f"état divergent : « {here.label} » ici, « {there.label} » dans le lot ; "
                        "l'état d'ici est conservé",
                    )
                )
                # the other history is not merged: it would tell of a move this offer never
                # made here; one line says what the bundle held instead
                _note_conflict(
                    conn, item, bundle, "conflit", there.value, now, by,
                    f"« {there.label} » dans le lot {bundle.path.name} de l'appareil "
                    f"{bundle.device or '?'} ; « {here.label} » conservé",
                )  # fmt: skip
                continue
            kept = repo.order_form(local_id) if item.order_form is not None else None
            if kept is not None and kept[0] != item.order_form:
                # two order forms for one offer: the member signed one of them
                conflicts.append(
                    Conflict(
                        o.number,
                        "un autre bon de commande a été établi ici pour cette offre ; celui "
                        "d'ici est conservé : vérifiez lequel le membre a signé",
                    )
                )
                _note_conflict(
                    conn, item, bundle, "conflit-bon", "bon", now, by,
                    f"celui du lot {bundle.path.name} de l'appareil {bundle.device or '?'} "
                    "diffère",
                )  # fmt: skip
                continue
            added = sum(insert_audit(conn, e) for e in item.audit)
            added += _keep_order_form(repo, item)
            moved = False
            if there is not here and there in _reachable(here):
                conn.execute(
                    "UPDATE offers SET state = ?, updated = ? WHERE id = ?",
                    (there.value, _iso(now), local_id),
                )
                moved = True
            if moved or added:
                updated.append(o.number)
            else:
                identical.append(o.number)
    report = ImportReport(
        tuple(imported), tuple(identical), tuple(updated), tuple(conflicts), bundle.device
    )
    log.info("import %s: %s", path, report)
    return report


SHOWN_BREAKS = 10  # rows off the set-up rule listed in an import report (all in the log)


def _note_conflict(
    conn: sqlite3.Connection,
    item: _Incoming,
    bundle: Bundle,
    action: str,
    key: str,
    now: datetime,
    by: str,
    why: str,
) -> None:
    """One line in the offer's history saying what the bundle held and was not taken (once,
    however often the same bundle comes again)."""
    o = item.offer
    insert_audit(
        conn,
        AuditEntry(
            when=now,
            who=by,
            action=action,
            from_state=None,
            to_state=None,
            why=why,
            offer_id=o.id,
            number=o.number,
            uid=codec.sha256_hex(f"conflit:{o.id}:{key}:{bundle.path.name}")[:32],
        ),
    )


def _keep_order_form(repo: OfferRepository, item: _Incoming) -> bool:
    """The order form a bundle carries, kept if this database has none for the offer yet;
    True when it was new here."""
    if item.order_form is None or repo.order_form(item.offer.id) is not None:
        return False
    repo.keep_order_form(item.offer.id, item.order_form, item.order_form_template)
    return True


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="microseconds")


def _insert_frozen(conn: sqlite3.Connection, item: _Incoming) -> None:
    from desktop.store.offers_repo import frozen_row

    row = frozen_row(item.offer, item.snapshot, item.fingerprint, item.pdf)
    row["origin"] = item.origin
    conn.execute(
        f"INSERT INTO offers ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
        tuple(row.values()),
    )


# --- catalogue bundle ----------------------------------------------------------------------


def catalogue_tables(conn: sqlite3.Connection) -> list[str]:
    """Tables a catalogue bundle carries, parents before children (foreign keys)."""
    kinds = {r[1]: r[2] for r in conn.execute("PRAGMA table_list") if r[0] == "main"}
    names = [
        n
        for n, kind in kinds.items()
        if kind == "table" and not n.startswith("sqlite_") and n not in LOCAL_TABLES
    ]
    deps = {
        n: {r[2] for r in conn.execute(f'PRAGMA foreign_key_list("{n}")') if r[2] != n}
        for n in names
    }
    ordered: list[str] = []
    pending = sorted(names)
    while pending:
        ready = [n for n in pending if deps[n] <= set(ordered) | (deps[n] - set(names))]
        if not ready:  # a cycle: keep the rest in name order (foreign keys are deferred)
            ready = pending[:1]
        for n in ready:
            ordered.append(n)
            pending.remove(n)
    return ordered


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]


def _cell(v: Any) -> Any:
    if isinstance(v, bytes):
        return {"$b": v.hex()}
    return v


SQLITE_INTEGERS = range(-(2**63), 2**63)


def _uncell(v: Any) -> Any:
    """A cell as the bundle carries it (``_cell``), as SQLite stores it; ``ValueError`` for any
    other value (a list, an object, a number past SQLite's 64 bits, bytes that are not hex)."""
    if isinstance(v, dict) and set(v) == {"$b"} and isinstance(v["$b"], str):
        try:
            return bytes.fromhex(v["$b"])
        except ValueError:
            pass
    elif v is None or isinstance(v, str | float) or (isinstance(v, int) and v in SQLITE_INTEGERS):
        return v
    raise ValueError(shown(json.dumps(v, ensure_ascii=False)))


def export_catalogue(db: Any, out: Path, *, device: str = "") -> CatalogueReport:
    conn: sqlite3.Connection = db.conn
    files: list[tuple[str, bytes]] = []
    counts: dict[str, int] = {}
    columns: dict[str, list[str]] = {}
    with storage_errors("lire le catalogue à exporter", getattr(db, "path", None)):
        own = not conn.in_transaction
        if own:
            conn.execute("BEGIN")  # one consistent read of every table
        try:
            tables = catalogue_tables(conn)
            for t in tables:
                cols = _columns(conn, t)
                rows = [
                    [_cell(v) for v in r]
                    for r in conn.execute(
                        f'SELECT {", ".join(_q(c) for c in cols)} FROM "{t}" ORDER BY rowid'
                        if _has_rowid(conn, t)
                        else f'SELECT {", ".join(_q(c) for c in cols)} FROM "{t}"'
                    )
                ]
                columns[t] = cols
                counts[t] = len(rows)
                body = json.dumps(
                    {"table": t, "columns": cols, "rows": rows},
                    ensure_ascii=False,
                    separators=(",", ":"),
                )
                files.append((f"tables/{t}.json", body.encode("utf-8")))
            version = _schema_version(conn)
            semantics = _catalogue_schema(conn)
            numbers = _highest_numbers(conn)
        finally:
            if own:
                conn.execute("COMMIT")
    files.append((NUMBERS_FILE, json.dumps(numbers, sort_keys=True).encode("utf-8")))
    manifest = {
        "app": APP,
        "kind": KIND_CATALOGUE,
        "format": FORMAT_VERSION,
        "device": device,
        "schema_version": version,
        "catalogue_schema": semantics,
        "created": _now_iso(),
        "tables": tables,
        "columns": columns,
        "rows": counts,
    }
    _write_zip(out, manifest, files)
    return CatalogueReport(
        Path(out),
        counts,
        needs_update=semantics > CATALOGUE_SCHEMA,
        conditional_wording=semantics >= CONDITIONS_SCHEMA,
    )


def _catalogue_schema(conn: sqlite3.Connection) -> int:
    """The ``catalogue_schema`` a version must read for the catalogue to price and print as it
    does here."""
    if _conditional_wording(conn):
        return CONDITIONS_SCHEMA
    for (params,) in conn.execute("SELECT params FROM component WHERE params LIKE '%discountable%'"):
        if str(json.loads(params).get("discountable", "")).strip().lower() == "non":
            return DISCOUNTABLE_SCHEMA
    return CATALOGUE_SCHEMA


def _conditional_wording(conn: sqlite3.Connection) -> bool:
    """Whether a document's wording in force has conditional text ([[si …]])."""
    from desktop.core import doctemplate

    for code, body in conn.execute(
        "SELECT code, body FROM document_templates AS t"
        " WHERE version = (SELECT max(version) FROM document_templates WHERE code = t.code)"
    ):
        try:
            if code in doctemplate.TEMPLATES and doctemplate.parse(body, code).conditions:
                return True
        except InvalidInput:  # refused where it is imported, whatever the version
            continue
    return False


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _has_rowid(conn: sqlite3.Connection, table: str) -> bool:
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    return not (sql and "WITHOUT ROWID" in str(sql[0]).upper())


def import_catalogue(db: Any, path: Path, *, validate: Any = None) -> CatalogueReport:
    """Replace the catalogue and directory with the bundle's, all or nothing.

    ``validate(db)`` runs inside the transaction after the rows are in (default: load every
    tariff and the whole directory with the store's loaders); any error rolls everything back.
    """
    bundle = read_bundle(path, KIND_CATALOGUE)
    name = bundle.path.name
    conn: sqlite3.Connection = db.conn
    local_tables = catalogue_tables(conn)
    tables = bundle.manifest.get("tables")
    if not isinstance(tables, list) or not all(isinstance(t, str) for t in tables):
        raise BundleError(f"« {name} » : manifeste incomplet (liste des tables absente).")
    _check_catalogue_schema(bundle.manifest, _schema_version(conn), name)
    unknown = sorted(set(tables) - set(local_tables))
    if unknown:
        raise BundleError(f"« {name} » contient des tables inconnues ici : {', '.join(unknown)}.")
    missing = sorted(set(local_tables) - set(tables))
    if missing:
        raise BundleError(f"« {name} » est incomplet : tables absentes {', '.join(missing)}.")
    payload: dict[str, tuple[list[str], list[list[Any]]]] = {}
    for t in tables:
        doc = _json(bundle.files.get(f"tables/{t}.json", b"null"), f"{name}:tables/{t}.json")
        if (
            not isinstance(doc, dict)
            or doc.get("table") != t
            or not isinstance(doc.get("rows"), list)
        ):
            raise BundleError(f"« {name} » : table {t} illisible.")
        cols = doc.get("columns")
        if cols != _columns(conn, t):
            raise BundleError(
                f"« {name} » : les colonnes de la table {t} diffèrent de celles de cette base "
                "(versions de Comptoir différentes)."
            )
        rows = doc["rows"]
        if any(not isinstance(r, list) or len(r) != len(cols) for r in rows):
            raise BundleError(f"« {name} » : ligne malformée dans la table {t}.")
        try:
            payload[t] = (cols, [[_uncell(v) for v in r] for r in rows])
        except ValueError as e:
            raise BundleError(
                f"« {name} » : la table {t} contient une valeur illisible (« {e} »). Rien n'a été "
                "importé ; demandez au siège un nouvel export."
            ) from None
    if MEMBER_TABLE in payload and not payload[MEMBER_TABLE][1]:
        raise BundleError(f"« {name} » : l'annuaire des membres est vide ; import refusé.")
    numbers = _numbers_of(bundle, name)
    exported = _exported_at(bundle, name)
    counts = {t: len(payload[t][1]) for t in tables}
    kept = 0
    with storage_errors("importer le catalogue", getattr(db, "path", None)), db.transaction():
        _not_older(conn, exported, name)
        conn.execute("PRAGMA defer_foreign_keys = ON")
        saved = _local_members(conn, payload)
        kept = len(saved.get(MEMBER_TABLE, ([], []))[1])
        had = _in_production(conn)
        for t in reversed(tables):
            conn.execute(f'DELETE FROM "{t}"')
        for t in tables:
            cols, rows = payload[t]
            sql = f'INSERT INTO "{t}" ({", ".join(_q(c) for c in cols)}) VALUES ({", ".join("?" * len(cols))})'
            try:
                conn.executemany(sql, rows)
            except sqlite3.IntegrityError as e:
                log.warning("catalogue bundle %s: table %s refused: %s", name, t, e)
                raise BundleError(
                    f"« {name} » : la table {t} est refusée par la base (une valeur en double, "
                    "manquante ou hors des règles). Rien n'a été importé ; demandez au siège un "
                    "nouvel export."
                ) from None
        if "user_created" in _columns(conn, MEMBER_TABLE):
            # a body head office created is part of its directory now: kept or removed with
            # it at each import, its name its own; only this device's own stay in its hands
            conn.execute(f'UPDATE "{MEMBER_TABLE}" SET user_created = 0 WHERE user_created = 1')
        for t, (cols, rows) in saved.items():
            names = ", ".join(_q(c) for c in cols)
            marks = ", ".join("?" * len(cols))
            conn.executemany(f'INSERT OR IGNORE INTO "{t}" ({names}) VALUES ({marks})', rows)
        bad = conn.execute("PRAGMA foreign_key_check").fetchall()
        if bad:
            t, _rowid, parent, _ = bad[0]
            raise BundleError(
                f"« {name} » : références incohérentes ({len(bad)}), par exemple une ligne de {t} "
                f"qui renvoie à un(e) {parent} absent(e). Rien n'a été importé."
            )
        try:
            (validate or _validate_catalogue)(db)
        except ComptoirError as e:
            raise BundleError(
                f"« {name} » : le catalogue importé n'est pas valide : {str(e).rstrip('.')}. "
                "Rien n'a été modifié."
            ) from None
        same_names = _same_names(db, saved)
        missing_tariffs = _drafts_on_missing_tariffs(conn)
        breaks = _setup_breaks(db)
        if breaks:  # every one, where the report lists the first ones
            log.warning("mise en place hors règle jours × taux : %s", " ; ".join(breaks))
        # the drafts' stored figures follow the catalogue, in the same all-or-nothing step: the
        # offers list shows what the drafts would print
        offers = OfferRepository(db)
        has = _in_production(conn)
        gone = {m: products - has.get(m, frozenset()) for m, products in had.items()}
        # what a commune no longer has leaves its CPAS's drafts (their discount)
        requote = offers.requote_drafts(name, withdrawn={m: p for m, p in gone.items() if p})
        ahead = _numbers_ahead(conn, numbers, offers.settings().device_code)
        if exported is not None:
            conn.execute(
                "INSERT INTO setting (key, value, updated) VALUES (?, ?, ?) ON CONFLICT (key) "
                "DO UPDATE SET value = excluded.value, updated = excluded.updated",
                (IMPORTED_EXPORT_KEY, _iso(exported), _now_iso()),
            )
    given = NumbersGiven(getattr(db, "path", None))
    for (device, year), seq in sorted(numbers.items()):
        given.record(device, year, seq)
    return CatalogueReport(
        Path(path),
        counts,
        kept,
        missing_tariffs,
        breaks,
        requote.changed,
        requote.unpriced,
        requote.changed_ids,
        ahead,
        drafts_unpriced_ids=requote.unpriced_ids,
        same_names=same_names,
    )


def _exported_at(bundle: Bundle, name: str) -> datetime | None:
    """When head office exported the bundle (its manifest's ``created``)."""
    created = bundle.manifest.get("created")
    if created is None:
        return None  # a bundle from a version that did not date them
    try:
        when = datetime.fromisoformat(str(created))
    except ValueError:
        when = None
    if when is None or when.tzinfo is None:
        raise BundleError(
            f"« {name} » : manifeste invalide (date d'export « {shown(str(created))} » "
            "illisible). Rien n'a été modifié : demandez un nouvel export."
        )
    return when


def _not_older(conn: sqlite3.Connection, exported: datetime | None, name: str) -> None:
    """Refuse a catalogue exported before the one this database imported last: it would take
    the tariffs and the directory back (last year's grid in force again, a product back)."""
    row = conn.execute("SELECT value FROM setting WHERE key = ?", (IMPORTED_EXPORT_KEY,)).fetchone()
    if exported is None or row is None:
        return
    last = datetime.fromisoformat(row[0])
    if exported < last:
        raise BundleError(
            f"« {name} » a été exporté par le siège le {_local_text(exported)}, avant le "
            f"catalogue déjà importé ici (exporté le {_local_text(last)}) : il remettrait les "
            "tarifs et l'annuaire dans un état plus ancien. Rien n'a été modifié ; importez le "
            "dernier lot du siège."
        )


def _local_text(when: datetime) -> str:
    return when.astimezone().strftime("%d/%m/%Y à %H:%M:%S")


def _highest_numbers(conn: sqlite3.Connection) -> dict[str, dict[str, int]]:
    """{device: {year: highest seq}} of the numbered offers in this database."""
    try:
        rows = conn.execute(
            "SELECT device, year, MAX(seq) FROM offers WHERE number IS NOT NULL "
            "AND device IS NOT NULL GROUP BY device, year"
        ).fetchall()
    except sqlite3.OperationalError:  # a database without offers (a catalogue-only copy)
        return {}
    out: dict[str, dict[str, int]] = {}
    for device, year, seq in rows:
        out.setdefault(str(device), {})[str(year)] = int(seq)
    return out


def _numbers_of(bundle: Bundle, name: str) -> dict[tuple[str, int], int]:
    """The bundle's ``numeros.json``, checked: {(device, year): highest seq}."""
    raw = bundle.files.get(NUMBERS_FILE)
    if raw is None:
        return {}  # a bundle from a version that did not send them
    doc = _json(raw, f"{name}:{NUMBERS_FILE}")
    bad = BundleError(
        f"« {name} » : la liste des numéros d'offres ({NUMBERS_FILE}) est illisible. Rien n'a "
        "été modifié : demandez un nouvel export."
    )
    if not isinstance(doc, dict):
        raise bad
    out: dict[tuple[str, int], int] = {}
    for device, years in doc.items():
        if not isinstance(years, dict):
            raise bad
        try:
            check_device_code(device)
        except InvalidInput:
            raise bad from None
        for year, seq in years.items():
            if not (isinstance(year, str) and year.isdigit() and 2000 <= int(year) <= 2099):
                raise bad
            if isinstance(seq, bool) or not isinstance(seq, int) or not 1 <= seq <= MAX_SEQ:
                raise bad
            out[(device, int(year))] = seq
    return out


def _numbers_ahead(
    conn: sqlite3.Connection, numbers: dict[tuple[str, int], int], device: str
) -> str | None:
    """``device``'s highest number at head office when this database holds none that high."""
    ahead = None
    for (code, year), seq in sorted(numbers.items()):
        if code == device and seq > highest_seq(conn, code, year):
            ahead = str(OfferNumber(year, code, seq))
    return ahead


def _local_members(
    conn: sqlite3.Connection, payload: dict[str, tuple[list[str], list[list[Any]]]]
) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    """Members created on this device that the bundle does not have, with their rows."""
    if MEMBER_TABLE not in payload:
        return {}
    cols, rows = payload[MEMBER_TABLE]
    if "id" not in cols:
        return {}
    incoming = {r[cols.index("id")] for r in rows}
    here_cols = _columns(conn, MEMBER_TABLE)
    if "user_created" not in here_cols:
        return {}
    local = [
        r
        for r in conn.execute(
            f'SELECT {", ".join(_q(c) for c in here_cols)} FROM "{MEMBER_TABLE}" WHERE user_created = 1'
        )
        if r[here_cols.index("id")] not in incoming
    ]
    if not local:
        return {}
    ids = {r[here_cols.index("id")] for r in local}
    out: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {MEMBER_TABLE: (here_cols, local)}
    for t in payload:
        if t == MEMBER_TABLE:
            continue
        refs = [
            r[3] for r in conn.execute(f'PRAGMA foreign_key_list("{t}")') if r[2] == MEMBER_TABLE
        ]
        if not refs:
            continue
        tcols = _columns(conn, t)
        idx = [tcols.index(c) for c in refs]
        kept = [
            r
            for r in conn.execute(f'SELECT {", ".join(_q(c) for c in tcols)} FROM "{t}"')
            if any(r[i] in ids for i in idx)
        ]
        if kept:
            out[t] = (tcols, kept)
    return out


def _same_names(db: Any, saved: dict[str, tuple[list[str], list[tuple[Any, ...]]]]) -> tuple[str, ...]:
    """The names of the members kept from this device that another member now has too: the
    search shows both, and ``--member NOM`` no longer tells them apart."""
    if MEMBER_TABLE not in saved:
        return ()
    from desktop.store.members_repo import MemberRepository

    cols, rows = saved[MEMBER_TABLE]
    index = MemberRepository(db).index
    out = []
    for row in rows:
        member = index.get(row[cols.index("id")])
        if member is not None and any(o.id != member.id for o in index.named(member.name)):
            out.append(member.display_name)
    return tuple(out)


def _validate_catalogue(db: Any) -> None:
    """Read every tariff and the directory back as the application will, and hold each
    tariff to the rules of the seed files."""
    from desktop.core import doctemplate
    from desktop.core.catalogue import check_tariff
    from desktop.store.catalogue_repo import load_tariff
    from desktop.store.members_repo import MemberRepository

    codes = [r[0] for r in db.conn.execute("SELECT code FROM tariff")]
    if not codes:
        raise StorageError("aucun tarif dans le lot")
    for code in codes:
        check_tariff(load_tariff(db, code), whole=True)
    MemberRepository(db).all()
    for code, body in db.conn.execute(  # each wording in force, as the contract will print it
        "SELECT code, body FROM document_templates AS t"
        " WHERE version = (SELECT max(version) FROM document_templates WHERE code = t.code)"
    ):
        if code not in doctemplate.TEMPLATES:
            continue
        try:
            doctemplate.parse_document(body, code)
        except InvalidInput as e:  # head office's wording: its advice is for head office
            raise InvalidInput(
                f"le texte du bon de commande qu'il apporte ne s'imprimerait pas ({str(e).rstrip('.')}) ; "
                "demandez au siège de le corriger puis un nouvel export"
            ) from None


def _setup_breaks(db: Any) -> tuple[str, ...]:
    """Every imported tariff's rows whose setup is not days x day rate (reported, not refused:
    the seed files refuse them, but a grid edited at head office is head office's call)."""
    from desktop.core.catalogue import setup_breaks
    from desktop.store.catalogue_repo import load_tariff

    out: list[str] = []
    for (code,) in db.conn.execute("SELECT code FROM tariff ORDER BY rowid"):
        out += [f"tarif {code}, {p}" for p in setup_breaks(load_tariff(db, code))]
    if out:
        log.warning("catalogue importé : %d mise(s) en place hors règle", len(out))
    return tuple(out)


def _drafts_on_missing_tariffs(conn: sqlite3.Connection) -> tuple[str, ...]:
    try:
        rows = conn.execute(
            "SELECT DISTINCT tariff FROM offers WHERE state = 'brouillon' "
            "AND tariff NOT IN (SELECT code FROM tariff)"
        ).fetchall()
    except sqlite3.OperationalError:
        return ()
    return tuple(r[0] for r in rows)
