"""The member directory in SQLite, with an in-memory search index.

Reference members (communes, CPAS, zones, provinces) come from the seed files; their reference
fields (name, codes, population, links) never change through this repository: a user records a
*correction* (``Member.with_size_correction``), which is stored beside the reference value.
Users may create intercommunales, RCA and other bodies, and record for any member its
membership status, installed base and a category override with its reason.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from datetime import date
from typing import Any

from desktop.core.directory import MemberIndex, normalize
from desktop.core.errors import InvalidInput, NotFound, RuleViolation
from desktop.core.members import (
    CategoryOverride,
    FormerCommune,
    Headcount,
    InstalledProduct,
    InstallState,
    Member,
    MemberKind,
    Membership,
    MembershipStatus,
    check_headcount,
    clean_address,
    clean_name,
    clean_reason,
    clean_source,
)
from desktop.store.database import Database, now_iso
from desktop.store.faults import UnreadableData, storage_errors

log = logging.getLogger(__name__)

_COLUMNS = (
    "id, kind, name, other_names, nis, zone_number, province, address, ref_size, ref_size_date,"
    " ref_size_source, corr_size, corr_size_date, corr_size_source, commune_id,"
    " membership_status, membership_since, override_category, override_reason, user_created"
)
USER_SOURCE = "saisie utilisateur"


def _date(text: str | None, what: str = "date") -> date | None:
    """A stored ISO date; ``ValueError`` (in French, naming ``what``) when it is not one."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        raise ValueError(f"{what} « {text} » illisible (AAAA-MM-JJ)") from None


def _names(text: str) -> tuple[str, ...]:
    """The stored JSON list of a member's other names; ``ValueError`` (in French) otherwise."""
    if text == "[]":  # most members: no need to parse
        return ()
    try:
        names = json.loads(text)
    except (TypeError, ValueError):
        names = None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ValueError(f"autres noms « {text} » : une liste JSON de textes est attendue")
    return tuple(names)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _kind(kind: MemberKind | str | None) -> MemberKind | None:
    if kind is None or isinstance(kind, MemberKind):
        return kind
    return MemberKind.parse(kind)


class MemberRepository:
    """Members of one database. The index is built on first use and kept up to date."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._index: MemberIndex | None = None
        # normalized name -> the member who has it: to refuse a second one (built on first
        # creation; with the index loaded, ``index.named`` answers instead)
        self._names: dict[str, Member] | None = None

    # ------------------------------------------------------------------ reading
    @property
    def index(self) -> MemberIndex:
        if self._index is None:
            self._index = MemberIndex(self._load_all())
        return self._index

    def all(self) -> list[Member]:
        """Every member, in directory order (communes, CPAS, zones, provinces, others)."""
        return self.index.members()

    def get(self, member_id: str) -> Member:
        member = self.index.get(member_id)
        if member is None:
            raise NotFound(f"Membre inconnu : « {member_id} ».")
        return member

    def lookup(self, member_id: str) -> Member | None:
        """For ``derive_category``: the member or ``None``."""
        return self.index.get(member_id)

    def search(
        self, query: str, kind: MemberKind | str | None = None, limit: int = 20, *, close: bool = True
    ) -> list[Member]:
        return self.index.search(query, _kind(kind), limit, close=close)

    def spelled(self, query: str, kind: MemberKind | str | None = None) -> bool:
        return self.index.spelled(query, _kind(kind))

    def resolve(self, query: str, kind: MemberKind | str | None = None) -> Member:
        return self.index.resolve(query, _kind(kind))

    def _load_all(self) -> list[Member]:
        conn = self.db.conn
        with storage_errors("lire l'annuaire des membres", self.db.path):
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM member ORDER BY user_created, position, name"
            ).fetchall()
            postcodes = _grouped(
                conn, "SELECT member_id, postcode FROM member_postcode ORDER BY member_id, position"
            )
            zones = _grouped(
                conn, "SELECT zone_id, commune_id FROM zone_commune ORDER BY zone_id, position"
            )
            installed: dict[str, list[InstalledProduct]] = {}
            for member_id, product, state, since in conn.execute(
                "SELECT member_id, product, state, since FROM installed_product"
                " ORDER BY member_id, product"
            ):
                item = _installed(member_id, product, state, since)
                installed.setdefault(member_id, []).append(item)
            former = _former_communes(conn)
        return [_read_member(r, postcodes, zones, installed, former) for r in rows]

    def _load_one(self, member_id: str) -> Member:
        conn = self.db.conn
        row = conn.execute(f"SELECT {_COLUMNS} FROM member WHERE id = ?", (member_id,)).fetchone()
        if row is None:
            raise NotFound(f"Membre inconnu : « {member_id} ».")
        postcodes = _grouped(
            conn,
            "SELECT member_id, postcode FROM member_postcode WHERE member_id = ? ORDER BY position",
            (member_id,),
        )
        zones = _grouped(
            conn,
            "SELECT zone_id, commune_id FROM zone_commune WHERE zone_id = ? ORDER BY position",
            (member_id,),
        )
        installed = {
            member_id: [
                _installed(member_id, p, s, since)
                for p, s, since in conn.execute(
                    "SELECT product, state, since FROM installed_product WHERE member_id = ?"
                    " ORDER BY product",
                    (member_id,),
                )
            ]
        }
        nis = row[4]
        former = _former_communes(conn, nis) if nis else {}
        return _read_member(row, postcodes, zones, installed, former)

    # ------------------------------------------------------------------ writing
    def create(
        self,
        kind: MemberKind | str,
        name: str,
        *,
        size: int | None = None,
        as_of: date | None = None,
        source: str = "",
        address: str = "",
        postcodes: tuple[str, ...] = (),
        province: str | None = None,
        membership: Membership | None = None,
    ) -> Member:
        """A new intercommunale, RCA or other body; ``size`` = agents (or inhabitants)."""
        member_kind = _kind(kind)
        assert member_kind is not None
        if not member_kind.user_creatable:
            raise InvalidInput(
                f"Un membre de type « {member_kind.label} » vient de l'annuaire de référence : "
                "on ne peut pas en créer. Types possibles : intercommunale, rca, autre.",
                field="kind",
            )
        clean = clean_name(name)
        self._refuse_a_name_taken(clean)
        address = clean_address(address)
        headcount = None
        if size is not None:
            headcount = Headcount(
                check_headcount(_whole(size)), as_of or date.today(), clean_source(source) or USER_SOURCE
            )
        import uuid  # here, not at the top: it loads platform, which a start does not need

        member = Member(
            id=f"u:{uuid.uuid4().hex}",
            kind=member_kind,
            name=clean,
            postcodes=tuple(postcodes),
            province=province,
            address=address,
            reference_size=headcount,
            membership=membership or Membership(),
            user_created=True,
        )
        with self.db.transaction() as conn, storage_errors("créer le membre", self.db.path):
            stamp = now_iso()
            conn.execute(
                "INSERT INTO member (id, kind, name, province, address, ref_size, ref_size_date,"
                " ref_size_source, user_created, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
                " 1, ?, ?)",
                (
                    member.id,
                    member_kind.value,
                    clean,
                    province,
                    member.address,
                    headcount.value if headcount else None,
                    _iso(headcount.as_of) if headcount else None,
                    headcount.source if headcount else "",
                    stamp,
                    stamp,
                ),
            )
            self._write_user_fields(conn, member, None)
        return self._refresh(member.id)

    def _refuse_a_name_taken(self, name: str, *, besides: str | None = None) -> None:
        """Two members under one name cannot be told apart: not in the search results, not by
        « comptoir quote --member NOM ». ``besides``: the member being renamed."""
        if self._index is not None:
            taken = next((m for m in self._index.named(name) if m.id != besides), None)
        else:  # a batch of creations (a test, an import) need not build the search index
            if self._names is None:
                self._names = {}
                for m in self._load_all():
                    self._remember_names(m)
            taken = self._names.get(normalize(name))
        if taken is not None and taken.id != besides:
            raise InvalidInput(
                f"Un membre s'appelle déjà « {taken.display_name} » ({taken.kind.label}) : "
                f"donnez un nom qui distingue {'celui-ci' if besides else 'le nouveau'} (par exemple son "
                "nom complet ou son sigle).",
                field="name",
            )

    def _remember_names(self, member: Member) -> None:
        if self._names is not None:
            for n in (member.name, member.display_name, *member.other_names):
                self._names.setdefault(normalize(n), member)

    def save(self, member: Member) -> Member:
        """Store what users may change; returns the member as stored.

        On a reference member, only the address, the size correction, the membership, the
        installed base and the category override change: its reference data stay as seeded
        (changing them raises ``InvalidInput``).
        """
        with self.db.transaction() as conn, storage_errors("enregistrer le membre", self.db.path):
            stored = self._load_one(member.id)
            if stored.user_created:
                if not member.kind.user_creatable:
                    raise InvalidInput(
                        f"Type impossible pour un membre créé à la main : {member.kind.label}.",
                        field="kind",
                    )
                name = clean_name(member.name) if member.name != stored.name else stored.name
                if normalize(name) != normalize(stored.name):  # a name typed wrong, corrected
                    self._refuse_a_name_taken(name, besides=member.id)
                    self._names = None  # its old name is free again
                ref = member.reference_size
                if ref is not None and ref != stored.reference_size:
                    check_headcount(ref.value)
                conn.execute(
                    "UPDATE member SET kind = ?, name = ?, province = ?, ref_size = ?,"
                    " ref_size_date = ?, ref_size_source = ? WHERE id = ?",
                    (
                        member.kind.value,
                        name,
                        member.province,
                        ref.value if ref else None,
                        _iso(ref.as_of) if ref else None,
                        ref.source if ref else "",
                        member.id,
                    ),
                )
                conn.execute("DELETE FROM member_postcode WHERE member_id = ?", (member.id,))
                conn.executemany(
                    "INSERT INTO member_postcode (member_id, position, postcode) VALUES (?, ?, ?)",
                    [(member.id, i, p) for i, p in enumerate(dict.fromkeys(member.postcodes))],
                )
            else:
                changed = _reference_changes(stored, member)
                if changed:
                    raise InvalidInput(
                        "Les données de référence d'un membre de l'annuaire ne se modifient pas ("
                        + ", ".join(changed)
                        + ") : enregistrez plutôt une correction du nombre d'habitants, avec sa "
                        "date et sa source.",
                        field=changed[0],
                    )
            self._write_user_fields(conn, member, stored)
        return self._refresh(member.id)

    def check_deletable(self, member_id: str) -> Member:
        """The member ``delete`` would remove, or why it cannot: a member of the reference
        directory (``InvalidInput``), one an offer is written for (``RuleViolation``)."""
        member = self.get(member_id)
        with storage_errors("lire les offres du membre", self.db.path):
            self._refuse_deleting(self.db.conn, member)
        return member

    def delete(self, member_id: str) -> None:
        """Remove a member created by a user (reference members cannot be removed, nor a member
        an offer is written for: the offer would lose who it is for)."""
        member = self.get(member_id)
        with self.db.transaction() as conn, storage_errors("supprimer le membre", self.db.path):
            # checked in the transaction that deletes: an offer saved meanwhile keeps its member
            self._refuse_deleting(conn, member)
            conn.execute("DELETE FROM member WHERE id = ?", (member.id,))
        self._index = self.index.without(member_id)
        self._names = None

    @staticmethod
    def _refuse_deleting(conn: sqlite3.Connection, member: Member) -> None:
        if not member.user_created:
            raise InvalidInput(
                f"{member.display_name} fait partie de l'annuaire de référence : "
                "il ne peut pas être supprimé."
            )
        offers = conn.execute(
            "SELECT state, number FROM offers WHERE member_id = ? ORDER BY number IS NULL, number",
            (member.id,),
        ).fetchall()
        if offers:
            raise RuleViolation(_kept_for(member, [(state, number) for state, number in offers]))

    def _write_user_fields(
        self, conn: sqlite3.Connection, member: Member, stored: Member | None
    ) -> None:
        """Write what users may change. Bounds are checked on what this save changes: a value
        stored before they existed does not block saving something else."""
        corr = member.size_correction
        if corr is not None and not corr.source.strip():
            raise InvalidInput("Indiquez la source du chiffre corrigé.", field="source")
        if corr is not None and (stored is None or corr != stored.size_correction):
            check_headcount(corr.value)
            clean_source(corr.source)
        override = member.category_override
        if override is not None and not override.reason.strip():
            raise InvalidInput(
                "Une catégorie choisie à la main doit être justifiée : indiquez-en le motif.",
                field="reason",
            )
        if override is not None and (stored is None or override != stored.category_override):
            clean_reason(override.reason)
        address = member.address.strip()
        if stored is None or address != stored.address.strip():
            address = clean_address(address)
        conn.execute(
            "UPDATE member SET address = ?, corr_size = ?, corr_size_date = ?,"
            " corr_size_source = ?, membership_status = ?, membership_since = ?,"
            " override_category = ?, override_reason = ?, updated = ? WHERE id = ?",
            (
                address,
                corr.value if corr else None,
                _iso(corr.as_of) if corr else None,
                corr.source.strip() if corr else "",
                member.membership.status.value,
                _iso(member.membership.since),
                override.category if override else None,
                override.reason.strip() if override else None,
                now_iso(),
                member.id,
            ),
        )
        conn.execute("DELETE FROM installed_product WHERE member_id = ?", (member.id,))
        seen: set[str] = set()
        for item in member.installed:
            if item.product in seen:
                raise InvalidInput(
                    f"Le produit « {item.product} » figure deux fois dans le parc installé.",
                    field="installed",
                )
            seen.add(item.product)
            conn.execute(
                "INSERT INTO installed_product (member_id, product, state, since)"
                " VALUES (?, ?, ?, ?)",
                (member.id, item.product, item.state.value, _iso(item.since)),
            )

    def _refresh(self, member_id: str) -> Member:
        with storage_errors("relire le membre", self.db.path):
            member = self._load_one(member_id)
        if self._index is not None:
            self._index = self._index.with_member(member)
        self._remember_names(member)
        return member


def _kept_for(member: Member, offers: list[tuple[str, str | None]]) -> str:
    """Why ``member`` stays in the directory: the offers written for it (state, number)."""
    drafts = sum(1 for _state, number in offers if number is None)
    numbered = [number for _state, number in offers if number is not None]
    said = []
    if drafts:
        said.append("un brouillon" if drafts == 1 else f"{drafts} brouillons")
    if numbered:
        shown = ", ".join(numbered[:3]) + (", …" if len(numbered) > 3 else "")
        said.append(f"l'offre {shown}" if len(numbered) == 1 else f"{len(numbered)} offres ({shown})")
    if len(offers) == 1:
        written = "est adressé" if drafts else "est adressée"
    else:
        written = "sont adressés" if drafts else "sont adressées"
    text = f"{member.display_name} n'est pas supprimé : {' et '.join(said)} lui {written}."
    if numbered:
        return text + " Une offre numérotée garde son membre dans l'annuaire."
    if drafts == 1:
        return text + " Supprimez d'abord ce brouillon dans Offres enregistrées (Ctrl+O), s'il ne sert plus."
    return text + " Supprimez d'abord ces brouillons dans Offres enregistrées (Ctrl+O), s'ils ne servent plus."


def _whole(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput("Un nombre d'habitants ou d'agents est un nombre entier.", field="size")
    if value < 0:
        raise InvalidInput(
            "Un nombre d'habitants ou d'agents ne peut pas être négatif.", field="size"
        )
    return value


def _reference_changes(stored: Member, member: Member) -> list[str]:
    """Names of the reference fields ``member`` changed compared with ``stored``."""
    fields = {
        "kind": "type",
        "name": "nom",
        "nis": "code NIS",
        "zone_number": "numéro de zone",
        "postcodes": "codes postaux",
        "province": "province",
        "reference_size": "chiffre de référence",
        "commune_id": "commune",
        "commune_ids": "communes de la zone",
        "other_names": "autres noms",
        "former_communes": "anciennes communes",
        "user_created": "origine",
    }
    return [
        label for attr, label in fields.items() if getattr(stored, attr) != getattr(member, attr)
    ]


def _grouped(
    conn: sqlite3.Connection, sql: str, args: tuple[Any, ...] = ()
) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in conn.execute(sql, args):
        out.setdefault(key, []).append(value)
    return out


def _former_communes(
    conn: sqlite3.Connection, nis: str | None = None
) -> dict[str, tuple[FormerCommune, ...]]:
    """The former communes of the merged communes (of the commune ``nis`` alone), by NIS code."""
    sql = "SELECT nis, former_nis, former_name, merged_on FROM former_commune"
    rows = conn.execute(
        sql + (" WHERE nis = ?" if nis else "") + " ORDER BY nis, position", (nis,) if nis else ()
    )
    out: dict[str, list[FormerCommune]] = {}
    for code, former_nis, name, merged_on in rows:
        try:
            day = _date(merged_on, "date de fusion")
        except ValueError as e:
            raise UnreadableData(f"commune {code}, ancienne commune {former_nis} : {e}") from None
        if day is None:
            raise UnreadableData(f"commune {code}, ancienne commune {former_nis} : date de fusion vide")
        out.setdefault(code, []).append(FormerCommune(former_nis, name, day))
    return {code: tuple(found) for code, found in out.items()}


# what most rows hold, decoded once (the directory is read at every start)
_MEMBERSHIP = Membership(MembershipStatus.ASSOCIE, None)


def _installed(member_id: str, product: str, state: str, since: str | None) -> InstalledProduct:
    """One stored line of a member's installed base; ``UnreadableData`` naming it otherwise."""
    try:
        return InstalledProduct(product, InstallState(state), _date(since, "date d'installation"))
    except ValueError as e:
        raise UnreadableData(f"membre {member_id}, produit installé {product} : {e}") from None


def _read_member(row: Any, *tables: Any) -> Member:
    """``_member(row, *tables)``, a stored value it cannot read told as ``UnreadableData``
    naming the member."""
    try:
        return _member(row, *tables)
    except ValueError as e:
        raise UnreadableData(f"membre {row[0]} ({row[2]}) : {e}") from None


def _member(
    row: Any,
    postcodes: dict[str, list[str]],
    zones: dict[str, list[str]],
    installed: dict[str, list[InstalledProduct]],
    former: dict[str, tuple[FormerCommune, ...]],
) -> Member:
    (
        mid,
        kind,
        name,
        other_names,
        nis,
        zone_number,
        province,
        address,
        ref_size,
        ref_date,
        ref_source,
        corr_size,
        corr_date,
        corr_source,
        commune_id,
        status,
        since,
        o_cat,
        o_reason,
        user_created,
    ) = row
    return Member(
        id=mid,
        kind=MemberKind(kind),
        name=name,
        nis=nis,
        zone_number=zone_number,
        postcodes=tuple(postcodes.get(mid, ())),
        province=province,
        address=address,
        reference_size=Headcount(
            ref_size, _date(ref_date, "date de la taille de référence"), ref_source
        )
        if ref_size is not None
        else None,
        size_correction=(
            Headcount(corr_size, _date(corr_date, "date de la correction"), corr_source)
            if corr_size is not None
            else None
        ),
        commune_id=commune_id,
        commune_ids=tuple(zones.get(mid, ())),
        membership=(
            _MEMBERSHIP
            if status == MembershipStatus.ASSOCIE and not since
            else Membership(MembershipStatus(status), _date(since, "date d'affiliation"))
        ),
        installed=tuple(installed.get(mid, ())),
        category_override=CategoryOverride(o_cat, o_reason) if o_cat is not None else None,
        user_created=bool(user_created),
        other_names=_names(other_names),
        former_communes=former.get(nis, ()) if nis and kind == MemberKind.COMMUNE else (),
    )
