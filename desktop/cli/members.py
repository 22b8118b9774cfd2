"""``comptoir members search|show``: find members of the directory from a shell.

``search`` is accent-, case- and punctuation-insensitive on names, postcodes, NIS codes and
police-zone numbers ("liege" finds Liège, "5267" the zone, "1400" Nivelles), best first; a
commune formed by a merger is found under its former communes' names and NIS codes too, and
said so ("Bastogne — anciennement Bertogne").
``show`` resolves one member (NIS code, zone number, exact name or a single hit) and prints
what the directory knows about it, with its tariff category and the reasoning behind it.
"""

from __future__ import annotations

import argparse
from typing import Any

from desktop.core.categories import CategoryDecision, derive_category
from desktop.core.errors import InvalidInput
from desktop.core.inputs import shown
from desktop.core.members import Headcount, Member, MemberKind, merger_text

KINDS = ", ".join(k.value for k in MemberKind)
MAX_LIMIT = 1000


def register(subparsers: Any, services_factory: Any) -> None:
    parser = subparsers.add_parser(
        "members",
        help="annuaire des membres : recherche, fiche d'un membre",
        description="Annuaire des membres : communes, CPAS, zones de police et de secours, "
        "provinces et organismes ajoutés à la main.",
    )
    commands = parser.add_subparsers(dest="members_command", metavar="ACTION")

    search = commands.add_parser(
        "search",
        help="cherche par nom, code postal, code NIS ou numéro de zone",
        description=(
            "Cherche dans l'annuaire, sans tenir compte des accents ni des majuscules : nom "
            "(« liege » trouve Liège), code postal (« 1400 »), code NIS (« 25072 ») ou numéro "
            "de zone de police (« 5267 »). Les meilleurs résultats d'abord."
        ),
    )
    search.add_argument("query", metavar="RECHERCHE", help="texte ou code à chercher")
    search.add_argument("--kind", metavar="TYPE", help=f"seulement ce type de membre ({KINDS})")
    search.add_argument(
        "--limit",
        metavar="N",
        type=int,
        default=20,
        help=f"nombre maximum de résultats, 1 à {MAX_LIMIT} (défaut : 20)",
    )
    search.add_argument("--json", action="store_true", help="sortie JSON")
    search.set_defaults(handler=lambda args: run_search(args, services_factory(args)))

    show = commands.add_parser(
        "show",
        help="fiche d'un membre",
        description="Fiche d'un membre : code NIS, nom exact, numéro de zone, identifiant "
        "ou recherche donnant un seul résultat.",
    )
    show.add_argument("query", metavar="RECHERCHE", help="membre à afficher")
    show.add_argument("--kind", metavar="TYPE", help=f"seulement ce type de membre ({KINDS})")
    show.add_argument("--json", action="store_true", help="sortie JSON")
    show.set_defaults(handler=lambda args: run_show(args, services_factory(args)))


def run_search(args: argparse.Namespace, services: Any) -> int:
    if not args.query.strip():
        raise InvalidInput("Indiquez un texte ou un code à chercher.", field="query")
    if not 1 <= args.limit <= MAX_LIMIT:
        raise InvalidInput(
            f"--limit : un nombre entier de 1 à {MAX_LIMIT} est attendu ; reçu {args.limit}.",
            field="limit",
        )
    kind = MemberKind.parse(args.kind) if args.kind else None
    # a script gets the members matching what it asked, never a guess at what it meant: the
    # names one slip away are for a person reading the list, and said to be so
    found = services.members.search(args.query, kind=kind, limit=args.limit, close=not args.json)
    # « anciennement Bertogne »: why a member whose name was not typed is listed
    index = services.members.index
    if args.json:
        from desktop.cli import emit_json

        emit_json(
            [{**member_json(m), "former_match": index.former_note(m, args.query) or None} for m in found]
        )
        return 0
    if not found:
        print(f"Aucun membre ne correspond à « {shown(args.query)} ».")
        return 0
    if not services.members.spelled(args.query, kind=kind):
        print(f"Aucun membre ne s'écrit « {shown(args.query)} » ; les plus proches :")
    for m in found:
        print(_line(m, index.former_note(m, args.query)))
    return 0


def run_show(args: argparse.Namespace, services: Any) -> int:
    kind = MemberKind.parse(args.kind) if args.kind else None
    repo = services.members
    member = repo.resolve(args.query, kind=kind)
    # the category as the card and « comptoir category --member » give it, from the same rules
    decision = derive_category(member, services.tariff().categories, repo.lookup)
    if args.json:
        from desktop.cli import emit_json

        # « category » and « trace » as « comptoir category --member --json » names them
        emit_json(
            {**member_json(member), "category": decision.category, "trace": list(decision.trace)}
        )
        return 0
    for label, value in [*_details(member, repo), *_category_rows(decision)]:
        print(f"{label:<22} {value}")
    return 0


# --------------------------------------------------------------------------- output


def size_json(h: Headcount | None) -> dict[str, Any] | None:
    if h is None:
        return None
    return {
        "value": h.value,
        "as_of": h.as_of.isoformat() if h.as_of else None,
        "source": h.source,
    }


def member_json(m: Member) -> dict[str, Any]:
    return {
        "id": m.id,
        "kind": m.kind.value,
        "name": m.name,
        "display_name": m.display_name,
        "other_names": list(m.other_names),
        "former_communes": [
            {"nis": f.nis, "name": f.name, "merged_on": f.merged_on.isoformat()}
            for f in m.former_communes
        ],
        "nis": m.nis,
        "zone_number": m.zone_number,
        "postcodes": list(m.postcodes),
        "province": m.province,
        "size": size_json(m.size),
        "reference_size": size_json(m.reference_size),
        "size_correction": size_json(m.size_correction),
        "commune_id": m.commune_id,
        "commune_ids": list(m.commune_ids),
        "membership": {
            "status": m.membership.status.value,
            "since": m.membership.since.isoformat() if m.membership.since else None,
        },
        "installed": [
            {
                "product": p.product,
                "state": p.state.value,
                "since": p.since.isoformat() if p.since else None,
            }
            for p in m.installed
        ],
        "category_override": (
            {"category": m.category_override.category, "reason": m.category_override.reason}
            if m.category_override
            else None
        ),
        "user_created": m.user_created,
    }


def _size_text(m: Member) -> str:
    h = m.size
    if h is None:
        return ""
    return h.text(m.kind.size_unit)


def _line(m: Member, former: str = "") -> str:
    bits = [f"{m.display_name} — {former}" if former else m.display_name, m.kind.label]
    if m.nis:
        bits.append(f"NIS {m.nis}")
    if m.postcodes:
        bits.append(" ".join(m.postcodes[:4]) + (" …" if len(m.postcodes) > 4 else ""))
    size = _size_text(m)
    if size:
        bits.append(size)
    bits.append(m.id)
    return " | ".join(bits)


def _details(m: Member, repo: Any) -> list[tuple[str, str]]:
    rows = [("Nom", m.display_name), ("Type", m.kind.label), ("Identifiant", m.id)]
    if m.other_names:
        rows.append(("Autres noms", ", ".join(m.other_names)))
    if m.nis:
        rows.append(("Code NIS", m.nis))
    if m.former_communes:
        day = m.former_communes[0].merged_on.strftime("%d/%m/%Y")
        rows.append(("Fusion", merger_text(m, day)))
    if m.zone_number:
        rows.append(("Numéro de zone", m.zone_number))
    if m.postcodes:
        rows.append(("Codes postaux", " ".join(m.postcodes)))
    if m.province:
        rows.append(("Province", m.province))
    if m.size is not None:
        rows.append(("Taille", _size_text(m)))
    if m.size_correction is not None and m.reference_size is not None:
        rows.append(("Valeur de référence", m.reference_size.text(m.kind.size_unit)))
    if m.commune_id:
        commune = repo.lookup(m.commune_id)
        rows.append(("Commune", commune.display_name if commune else m.commune_id))
    if m.commune_ids:
        names = [c.name if (c := repo.lookup(i)) else i for i in m.commune_ids]
        rows.append((f"Communes ({len(names)})", ", ".join(names)))
    rows.append(("Statut", m.membership.status.label))
    for p in m.installed:
        since = f" depuis le {p.since.strftime('%d/%m/%Y')}" if p.since else ""
        rows.append(("Parc installé", f"{p.product} : {p.state.label}{since}"))
    if m.category_override:
        o = m.category_override
        rows.append(("Catégorie choisie", f"{o.category} (motif : {o.reason})"))
    return rows


def _category_rows(decision: CategoryDecision) -> list[tuple[str, str]]:
    """The tariff category and the reasoning behind it, as the member card shows them."""
    if decision.category is None:
        category = "à choisir, avec un motif"
    elif decision.overridden:
        category = f"{decision.category} (choisie à la main)"
    else:
        category = decision.category
    rows = [("Catégorie de prix", category)]
    rows.extend(("Raisonnement" if i == 0 else "", line) for i, line in enumerate(decision.trace))
    return rows
