"""``comptoir offers ...`` and ``comptoir quote ... --save``: the offer lifecycle from a shell.

Head office scripts these; they follow the same rules as the application (the store refuses
what the app refuses) and exit with status 2 and a French message on bad input.

    comptoir quote --member Nivelles --product delib --save      -> prints the draft id
    comptoir offers list [--state S] [--search TEXTE] [--since DATE] [--json]
    comptoir offers show NUMÉRO|ID [--json]
    comptoir offers finalize ID [--pdf FICHIER] [--json]
    comptoir offers pdf NUMÉRO --out FICHIER                      (reprint, byte-identical)
    comptoir offers revise NUMÉRO [--json]
    comptoir offers copy NUMÉRO|ID [--member RECHERCHE] [--json]  (a new draft, re-priced)
    comptoir offers delete ID                                     (a draft only)
    comptoir offers diff ANCIEN NOUVEAU [--json]
    comptoir offers set-state NUMÉRO ÉTAT [--reason MOTIF]
    comptoir offers reprice [--apply] [--json]                    (drafts on an old tariff)
    comptoir offers export [--since DATE] [--number N ...] --out FICHIER
    comptoir offers import FICHIER [--json]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from desktop.core.errors import ClockBehind, InvalidInput, RuleViolation, StorageError
from desktop.core.inputs import check_reason, shown
from desktop.core.inputs import parse_date as parse_typed_date
from desktop.core.offers import Offer, OfferState, OfferSummary, money_fr
from desktop.core.quote import QuoteLine

DATE_HELP = "date AAAA-MM-JJ ou JJ/MM/AAAA"


# --------------------------------------------------------------------------- shared helpers


def parse_date(text: str, option: str = "la date") -> date:
    """'2026-03-15' or '15/03/2026' -> date; InvalidInput (French) otherwise.

    The year is written in four digits and lies from 2000 to 2099 (``desktop.core.inputs``):
    « 1/1/26 » is not the year 26, and 9999-12-31 would overflow the validity end date."""
    return parse_typed_date(text, field=option, what=option)


def offer_repository(services: Any) -> Any:
    from desktop.store.offers_repo import OfferRepository

    return OfferRepository(services.db)


def offer_renderer(services: Any) -> Callable[[Offer], bytes]:
    """The documents renderer for ``OfferRepository.finalise``: the frozen offer -> PDF bytes."""

    def render(offer: Offer) -> bytes:
        # the same document the application freezes: one place decides number, dates, seller
        from desktop.documents.offer import document_for_offer, render_offer

        tariff = services.tariff(offer.request.tariff)
        settings = services.settings.load()
        return render_offer(document_for_offer(offer, tariff, settings, today=date.today()))

    return render


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _emit(obj: Any) -> None:
    from desktop.cli import emit_json

    emit_json(obj)


def _money(d: Decimal | None) -> str:
    return "sur devis" if d is None else money_fr(d)


def _line_money(d: Decimal | None) -> str:
    """A line's amount: « — » for a cost the product does not have, as the offer prints it."""
    return "—" if d is not None and not d else _money(d)


def _total(d: Decimal | None, priced: bool, partial: bool) -> str:
    """A total of the list: « Sur devis » when nothing in it is priced, never 0,00 €."""
    if not priced:
        return "Sur devis"
    return _money(d) + (" *" if partial else "")


def _dt(d: datetime | None) -> str:
    return d.astimezone().strftime("%d/%m/%Y %H:%M") if d else ""


def _d(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


def _write_file(path: str, data: bytes) -> Path:
    from desktop.store.files import write_atomically

    return write_atomically(path, data)


# --------------------------------------------------------------------------- registration


def register(subparsers: Any, services_factory: Any) -> None:
    _add_save_to_quote(subparsers, services_factory)

    offers = subparsers.add_parser(
        "offers",
        help="offres enregistrées : liste, détail, finalisation, états, révisions, échanges",
        description="Cycle de vie des offres : brouillons, offres finalisées, états, lots.",
    )
    sub = offers.add_subparsers(dest="offers_command", metavar="ACTION")

    def bind(parser: argparse.ArgumentParser, fn: Callable[[argparse.Namespace, Any], int]) -> None:
        parser.set_defaults(handler=lambda args: fn(args, services_factory(args)))

    p = sub.add_parser("list", help="liste des offres (plus récentes d'abord)")
    p.add_argument(
        "--state",
        metavar="ÉTAT",
        help="brouillon, finalisee, envoyee, acceptee, refusee, expiree, convertie, remplacee",
    )
    p.add_argument("--search", metavar="TEXTE", default="", help="numéro, membre, NIS, produit…")
    p.add_argument(
        "--member",
        metavar="ID",
        help="membre : identifiant (commune:25072…), code NIS, nom exact ou numéro de zone",
    )
    p.add_argument("--since", metavar="DATE", help=f"modifiées depuis ({DATE_HELP})")
    p.add_argument("--json", action="store_true", help="sortie JSON")
    bind(p, run_list)

    p = sub.add_parser("show", help="détail d'une offre, avec son historique")
    p.add_argument(
        "ref", metavar="NUMÉRO", help="numéro (OFF-2026-LAP1-0001) ou identifiant de brouillon"
    )
    p.add_argument("--json", action="store_true", help="sortie JSON")
    bind(p, run_show)

    p = sub.add_parser("finalize", help="finalise un brouillon : numéro, PDF figé")
    p.add_argument("ref", metavar="ID", help="identifiant du brouillon (ou son début)")
    p.add_argument("--pdf", metavar="FICHIER", help="enregistre aussi le PDF figé dans ce fichier")
    p.add_argument("--json", action="store_true", help=NEW_JSON_HELP)
    p.add_argument(
        "--confirm-date",
        action="store_true",
        help="la date de l'ordinateur est juste, même antérieure à la dernière offre finalisée "
        "sur cet appareil (datée à tort)",
    )
    bind(p, run_finalize)

    p = sub.add_parser("pdf", help="réimprime le PDF figé d'une offre finalisée")
    p.add_argument("ref", metavar="NUMÉRO", help=NUMBER_HELP)
    p.add_argument("--out", metavar="FICHIER", required=True, help="fichier PDF à écrire")
    bind(p, run_pdf)

    p = sub.add_parser("revise", help="crée la révision suivante (-v2, -v3…) d'une offre")
    p.add_argument("ref", metavar="NUMÉRO", help=NUMBER_HELP)
    p.add_argument("--json", action="store_true", help=NEW_JSON_HELP)
    bind(p, run_revise)

    p = sub.add_parser(
        "copy", help="copie une offre en nouveau brouillon, pour le même membre ou un autre"
    )
    p.add_argument("ref", metavar="NUMÉRO|ID", help="numéro d'une offre finalisée, ou identifiant d'un brouillon")
    p.add_argument(
        "--member",
        metavar="RECHERCHE",
        help="autre membre (code NIS, nom exact, numéro de zone ou identifiant) : recalculé pour "
        "sa catégorie",
    )
    p.add_argument("--json", action="store_true", help=NEW_JSON_HELP)
    bind(p, run_copy)

    p = sub.add_parser("delete", help="supprime un brouillon (une offre finalisée reste)")
    p.add_argument("ref", metavar="ID", help="identifiant du brouillon (ou son début)")
    bind(p, run_delete)

    p = sub.add_parser(
        "override", help="dérogations d'un brouillon : lever un point bloquant avec un motif, ou la retirer"
    )
    p.add_argument("ref", metavar="ID", help="identifiant du brouillon (ou son début)")
    p.add_argument(
        "given", metavar="CODE=MOTIF", nargs="*", default=[],
        help="point bloquant à lever (le code affiché entre crochets) et son motif",
    )
    p.add_argument("--remove", metavar="CODE", action="append", default=[], help="dérogation à retirer (répétable)")
    bind(p, run_override)

    p = sub.add_parser("diff", help="différences entre deux versions d'une offre")
    p.add_argument("old", metavar="ANCIENNE", help="numéro (ou identifiant de brouillon) de la version d'avant")
    p.add_argument("new", metavar="NOUVELLE", help="numéro (ou identifiant de brouillon) de la version d'après")
    p.add_argument("--json", action="store_true", help="sortie JSON")
    bind(p, run_diff)

    p = sub.add_parser("set-state", help="change l'état d'une offre finalisée")
    p.add_argument("ref", metavar="NUMÉRO", help=NUMBER_HELP)
    p.add_argument(
        "state", metavar="ÉTAT",
        help="envoyee, acceptee ou refusee (« convertie » : comptoir contract établit le bon de commande)",
    )
    p.add_argument(
        "--reason", metavar="MOTIF", default="", help="motif (obligatoire pour un refus)"
    )
    bind(p, run_set_state)

    p = sub.add_parser(
        "reprice", help="brouillons sur un ancien tarif : différences, puis recalcul"
    )
    p.add_argument("--apply", action="store_true", help="applique le nouveau calcul (sinon aperçu)")
    p.add_argument("--json", action="store_true", help="sortie JSON")
    bind(p, run_reprice)

    p = sub.add_parser(
        "export",
        help="exporte des offres finalisées dans un lot (fichier zip)",
        description="Exporte dans un lot les offres finalisées modifiées depuis --since, celles "
        "nommées par --number, ou sans l'un ni l'autre toutes les offres finalisées.",
    )
    p.add_argument("--since", metavar="DATE", help=f"offres modifiées depuis ({DATE_HELP})")
    p.add_argument(
        "--number",
        metavar="NUMÉRO",
        action="append",
        default=None,
        help="offre à exporter (répétable)",
    )
    p.add_argument("--out", metavar="FICHIER", required=True, help="lot à créer")
    bind(p, run_export)

    p = sub.add_parser(
        "import",
        help="importe un lot d'offres (au siège)",
        description="Importe un lot d'offres finalisées. Importer deux fois le même lot ne change "
        "rien. Une offre en conflit (un autre contenu sous le même numéro, un état divergent, un "
        "autre bon de commande) n'est jamais remplacée : elle est signalée et la commande se termine avec le code "
        f"{CONFLICTS_EXIT}, les autres offres du lot étant importées.",
    )
    p.add_argument("file", metavar="FICHIER", help="lot d'offres (fichier zip) exporté par un appareil")
    p.add_argument("--json", action="store_true", help="sortie JSON")
    bind(p, run_import)


CONFLICTS_EXIT = 3  # ``offers import``: imported, but some offers conflicted (not replaced)
NEW_JSON_HELP = "sortie JSON : l'offre comme une ligne de offers list --json (id, number…)"
NUMBER_HELP = "numéro de l'offre finalisée (OFF-2026-LAP1-0001, OFF-2026-LAP1-0001-v2)"


def _add_save_to_quote(subparsers: Any, services_factory: Any) -> None:
    """``comptoir quote ... --save``: wrap the engine's quote handler (desktop.cli.quote)."""
    if "quote" not in getattr(subparsers, "choices", {}):
        return
    from desktop.cli.quote import quote_parser

    parser = quote_parser(subparsers)
    parser.add_argument(
        "--save",
        action="store_true",
        help="enregistre l'offre comme brouillon et affiche son identifiant",
    )
    parser.add_argument(
        "--note", metavar="TEXTE", default="", help="note du brouillon (avec --save)"
    )
    plain = parser.get_default("handler")

    def handler(args: argparse.Namespace) -> int | None:
        if not args.save:
            if args.note:  # the note of a draft that is not saved would go nowhere
                raise InvalidInput("--note accompagne --save : ajoutez --save, ou retirez --note.")
            result: int | None = plain(args)
            return result
        return run_quote_save(args, services_factory(args))

    parser.set_defaults(handler=handler)


def run_quote_save(args: argparse.Namespace, services: Any) -> int:
    from desktop.cli.quote import build_quote_from_args, quote_json, quote_text

    if getattr(args, "member", None) is not None and (getattr(args, "category", None) or "").strip():
        # a saved draft follows the directory's member (its category is re-derived when the
        # member or the catalogue changes, and at finalisation): a category given here would
        # silently vanish there
        raise InvalidInput(
            "--category avec --member et --save : un brouillon suit la catégorie du membre de "
            "l'annuaire. Choisissez-la sur la fiche du membre (Membre > Catégorie du membre… dans "
            "l'application), puis enregistrez sans --category ; ou retirez --save pour un simple "
            "calcul."
        )
    note = check_reason(args.note, field="note", what="--note")  # a line of the history
    quote, request, member = build_quote_from_args(args, services)
    repo = offer_repository(services)
    seller = str(getattr(repo.settings(), "seller_name", "") or "")
    draft = repo.save_draft(
        Offer.new_draft(request, member, quote.decision, quote, seller=seller, note=note)
    )
    if args.json:
        data = quote_json(quote)
        # « id », as finalize, revise and copy name the offer a next command takes
        data["offer_id"] = data["id"] = draft.id
        _emit(data)
    else:
        _out(quote_text(quote, member))
        _out(f"Brouillon enregistré : {draft.id}")
    return 0


# --------------------------------------------------------------------------- handlers


def _summary_json(
    s: OfferSummary, lines: Sequence[QuoteLine] | None = None, origin: str = ""
) -> dict[str, Any]:
    from desktop.cli.quote import line_json

    return {
        "id": s.id,
        "number": s.number,
        "version": s.version,
        "state": s.state.value,
        "state_label": s.state.label,
        "member_id": s.member_id,
        "member_name": s.member_name,
        "category": s.category,
        "tariff": s.tariff,
        # a total with nothing priced in it is null (« sur devis »), never "0.00"
        "one_time": s.one_time if s.coverage.one_time else None,
        "annual": s.annual if s.coverage.annual else None,
        "year1": s.year1 if s.coverage.year1 else None,
        "partial": s.partial,
        "one_time_priced": s.coverage.one_time,
        "annual_priced": s.coverage.annual,
        "year1_priced": s.coverage.year1,
        "one_time_partial": s.coverage.one_time_partial,
        "annual_partial": s.coverage.annual_partial,
        "year1_partial": s.coverage.year1_partial,
        "created": s.created,
        "updated": s.updated,
        "finalised": s.finalised,
        "valid_until": s.valid_until,
        "seller": s.seller,
        "predecessor": s.predecessor,
        "device": s.device,  # the laptop whose number it bears
        "origin": origin or None,  # the laptop whose bundle brought it; null: made here
        # null: its quote is missing or cannot be read, not an offer without products
        "lines": None if lines is None else [line_json(line) for line in lines],
    }


def _rows_json(repo: Any, rows: Sequence[OfferSummary]) -> list[dict[str, Any]]:
    """The rows of ``offers list --json``, each with its lines and the device it came from."""
    ids = [s.id for s in rows]
    lines, origins = repo.quote_lines(ids), repo.origins(ids)
    return [_summary_json(s, lines.get(s.id), origins.get(s.id, "")) for s in rows]


def run_list(args: argparse.Namespace, services: Any) -> int:
    from desktop.store.offers_repo import OfferFilter

    state = OfferState.parse(args.state) if args.state else None
    since = parse_date(args.since, "--since") if args.since else None
    member_id = args.member
    if member_id is not None and ":" not in member_id:  # « 25072 » listed nothing, said nothing
        member_id = services.members.resolve(member_id).id
    rows = offer_repository(services).list(
        OfferFilter(state=state, text=args.search, member_id=member_id, since=since)
    )
    if args.json:
        _emit(_rows_json(offer_repository(services), rows))
        return 0
    if not rows:
        _out("Aucune offre.")
        return 0
    header = ("Offre", "État", "Membre", "Cat.", "Unique", "Annuel", "Modifiée")
    table = [header]
    for s in rows:
        table.append(
            (
                s.number
                or f"brouillon {s.id[:8]}"
                + (f" (révision de {s.predecessor})" if s.predecessor else ""),
                s.state.label,
                s.member_name or "—",
                s.category or "—",
                _total(s.one_time, s.coverage.one_time, s.coverage.one_time_partial),
                _total(s.annual, s.coverage.annual, s.coverage.annual_partial),
                _dt(s.updated),
            )
        )
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    for r in table:
        _out("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    if any(s.partial for s in rows):
        _out("* totaux partiels : au moins une ligne sur devis")
    return 0


def run_show(args: argparse.Namespace, services: Any) -> int:
    from desktop.store import offer_codec as codec

    repo = offer_repository(services)
    offer = repo.get(args.ref)
    today = repo.today()
    state = offer.state_on(today)
    history = repo.audit(offer.id)
    if args.json:
        data = codec.offer_to_data(offer)  # as stored (a total with nothing priced: "0.00")
        if offer.quote is not None:  # as quote --json says them: null when nothing is priced
            from desktop.cli.quote import quote_json

            data["totals"] = quote_json(offer.quote)["totals"]
            data["quote"]["totals"].update(data["totals"])  # the same totals, where they are read
        data["effective_state"] = state.value
        data["history"] = [
            {**codec.audit_to_data(e), "description": e.description} for e in history
        ]
        data["versions"] = [s.number or s.id for s in repo.versions(offer.id)]
        _emit(data)
        return 0
    _out(f"{offer.number or 'Brouillon ' + offer.id} — {state.label}")
    if offer.member is not None:
        _out(f"Membre : {offer.member.display_name} ({offer.member.id})")
    _out(f"Catégorie : {offer.decision.category or 'à choisir'}")
    for t in offer.decision.trace:
        _out(f"  {t}")
    _out(f"Tarif : {offer.tariff}")
    if offer.finalised:
        _out(
            f"Finalisée le {_d(offer.finalised_on)}, valable jusqu'au {_d(offer.valid_until)}"
        )
        _out(f"PDF figé : SHA-256 {offer.pdf_sha256}")
    if offer.predecessor:
        _out(f"Révise : {offer.predecessor}")
    if offer.seller:
        _out(f"Vendeur : {offer.seller}")
    if offer.quote is not None:
        _out("Lignes :")
        for line in offer.quote.lines:
            if line.one_time is None and line.annual is None:
                _out(f"  {line.name} — {line.status.label}")
            else:  # priced, or priced in part: what is known, and « sur devis » for the rest
                _out(f"  {line.name} — unique {_line_money(line.one_time)} ; annuel {_line_money(line.annual)}")
        t = offer.quote.totals
        cov = offer.quote.coverage
        partial = " (totaux partiels : lignes sur devis)" if t.partial else ""
        _out(  # a total with nothing priced in it reads « sur devis », like a line
            f"Totaux : unique {_money(t.one_time if cov.one_time else None)} ; "
            f"annuel {_money(t.annual if cov.annual else None)} ; "
            f"année 1 {_money(t.year1 if cov.year1 else None)}{partial}"
        )
        if offer.is_draft and offer.quote.blocking:  # with the codes offers override takes
            _out("Points bloquants (comptoir offers override ID CODE=MOTIF pour passer outre) :")
            for n in offer.quote.blocking:
                _out(f"  [{n.code}] {n.message}")
    _out("Historique :")
    for e in history:
        _out(f"  {_dt(e.when)} {e.who} — {e.description}")
    return 0


def run_finalize(args: argparse.Namespace, services: Any) -> int:
    from desktop.store.files import check_target

    if args.pdf:  # a file that cannot be written is said before a number is given
        check_target(args.pdf, field="--pdf")
    if not services.settings.load().ready_to_number:  # said with the command that sets it
        raise RuleViolation(
            "Ce poste n'a pas de code d'appareil, qui fait partie du numéro d'offre : "
            "donnez-le avant de finaliser, p. ex. comptoir settings set device_code=LAP1."
        )
    repo = offer_repository(services)
    try:
        frozen = repo.finalise(args.ref, offer_renderer(services), date_confirmed=args.confirm_date)
    except ClockBehind as exc:
        raise RuleViolation(
            f"{str(exc).removesuffix(' Le brouillon est gardé.')} Date juste : comptoir offers "
            f"finalize {args.ref} --confirm-date. Le brouillon est gardé."
        ) from None
    except RuleViolation as exc:
        if str(exc).startswith("Points bloquants"):  # what to run next, from here
            raise RuleViolation(
                f"{str(exc).rstrip('.')}. comptoir offers show {args.ref} les liste avec leurs "
                f"codes ; comptoir offers override {args.ref} CODE=MOTIF en lève un."
            ) from None
        raise
    if not args.json:
        _out(f"Offre finalisée : {frozen.number} (valable jusqu'au {_d(frozen.valid_until)})")
    missing = services.settings.load().missing_labels()
    if missing:
        sys.stderr.write(
            f"Attention : en-tête incomplet, {', '.join(missing)} figurent « à compléter » sur le "
            "PDF figé (comptoir settings set …, puis comptoir offers revise).\n"
        )
    path = _write_frozen_pdf(args.pdf, repo.pdf(frozen.id), frozen.number) if args.pdf else None
    if args.json:
        _emit_offer(repo, frozen.id, pdf=path)
    elif path is not None:
        _out(f"PDF : {path}")
    return 0


def _write_frozen_pdf(path: str, data: bytes, number: str | None) -> Path:
    """The PDF of an offer just numbered. Windows refuses to replace a file a PDF reader
    shows: the offer stays finalised, so the way to its PDF is ``offers pdf``, not a second
    ``finalize`` (refused as « déjà finalisée »)."""
    try:
        return _write_file(path, data)
    except StorageError as exc:
        raise StorageError(
            f"L'offre {number} est finalisée, mais son PDF n'a pas été écrit. {exc} Ne la "
            f"finalisez pas à nouveau : son PDF s'écrit avec comptoir offers pdf {number} "
            f'--out "{path}".'
        ) from exc


def run_pdf(args: argparse.Namespace, services: Any) -> int:
    repo = offer_repository(services)
    path = _write_file(args.out, repo.pdf(args.ref))
    _out(f"PDF : {path}")
    return 0


def _emit_offer(repo: Any, offer_id: str, **extra: Any) -> None:
    """The offer as ``offers list --json`` gives it, for a script's next command."""
    summary = next(s for s in repo.versions(offer_id) if s.id == offer_id)
    _emit({**_rows_json(repo, [summary])[0], **extra})


def run_revise(args: argparse.Namespace, services: Any) -> int:
    repo = offer_repository(services)
    draft = repo.revise(args.ref)
    if args.json:
        _emit_offer(repo, draft.id)
        return 0
    _out(f"Révision {draft.version} de {draft.predecessor} : brouillon {draft.id}")
    return 0


def run_copy(args: argparse.Namespace, services: Any) -> int:
    member = services.members.resolve(args.member) if args.member is not None else None
    repo = offer_repository(services)
    draft = repo.duplicate(args.ref, member)
    if args.json:
        _emit_offer(repo, draft.id)
        return 0
    who = draft.member.display_name if draft.member else "—"
    _out(
        f"Copie pour {who} ({draft.decision.category or 'sans catégorie'}, "
        f"{draft.request.tariff}) : brouillon {draft.id}"
    )
    return 0


def run_override(args: argparse.Namespace, services: Any) -> int:
    from desktop.cli.quote import split_override

    given = dict(split_override(item) for item in args.given)
    if not given and not args.remove:
        raise InvalidInput("Indiquez une dérogation CODE=MOTIF, ou --remove CODE.")
    draft = offer_repository(services).set_overrides(args.ref, given, [c.strip() for c in args.remove])
    quote = draft.quote
    blocking = quote.blocking if quote is not None else ()
    _out(f"Brouillon {draft.id} : {len(draft.request.overrides)} dérogation(s).")
    for n in blocking:
        _out(f"  Reste bloquant [{n.code}] : {n.message}")
    if not blocking:
        _out("  Plus aucun point bloquant : il peut être finalisé.")
    return 0


def run_delete(args: argparse.Namespace, services: Any) -> int:
    repo = offer_repository(services)
    offer = repo.get(args.ref)
    repo.delete_draft(offer.id)
    who = offer.member.display_name if offer.member else "sans membre"
    _out(f"Brouillon {offer.id} supprimé ({who}).")
    return 0


def _diff_json(diff: Any) -> dict[str, Any]:
    """An ``OfferDiff`` as JSON, with what it says in French under ``descriptions``."""
    from desktop.store import offer_codec as codec

    data: dict[str, Any] = codec.to_data(diff)
    for change in data["totals"]:  # nothing priced in a total: null, never "0.00"
        for side in ("old", "new"):
            if not change[f"{side}_priced"]:
                change[side] = None
    data["descriptions"] = diff.descriptions()
    return data


def run_diff(args: argparse.Namespace, services: Any) -> int:
    diff = offer_repository(services).diff(args.old, args.new)
    if args.json:
        _emit(_diff_json(diff))
        return 0
    _out(f"{diff.old_label} → {diff.new_label}")
    for text in diff.descriptions():
        _out(f"  {text}")
    return 0


def run_set_state(args: argparse.Namespace, services: Any) -> int:
    try:
        state = OfferState.parse(args.state)
    except InvalidInput:  # the states one sets by hand, not every state an offer may be in
        raise InvalidInput(
            f"État inconnu : « {shown(args.state)} ». États à choisir : envoyee, acceptee, refusee "
            "(finalisée : offers finalize ; convertie : comptoir contract ; révisée : offers revise)."
        ) from None
    try:
        offer = offer_repository(services).set_state(args.ref, state, args.reason)
    except InvalidInput as e:  # the reason asked for: the option that gives it
        if e.field != "reason" or (args.reason or "").strip():
            raise
        raise InvalidInput(f"{e} Le motif se donne avec --reason « motif ».", field=e.field) from None
    _out(f"Offre {offer.number} : {state.label}")
    return 0


def run_reprice(args: argparse.Namespace, services: Any) -> int:
    repo = offer_repository(services)
    refused: list[Any] = []  # RepriceRefused
    previews = repo.reprice_preview(refused=refused)
    if args.json:  # with --apply too: a script reads what was recalculated
        if args.apply and previews:
            repo.reprice_apply(previews)
        _emit(
            [
                {
                    "id": p.offer_id,
                    "from": p.before.tariff,
                    "to": p.after.tariff,
                    "diff": _diff_json(p.diff),
                    "descriptions": p.diff.descriptions(),
                    "applied": args.apply,
                }
                for p in previews
            ]
            + [
                {
                    "id": r.before.id,
                    "from": r.before.tariff,
                    "to": r.tariff,
                    "diff": None,
                    "descriptions": [],
                    "applied": False,
                    "error": r.reason,
                }
                for r in refused
            ]
        )
        return 0
    if not previews and not refused:
        _out("Aucun brouillon sur un tarif dépassé.")
        return 0
    for p in previews:
        _out(f"{p.before.label} ({p.before.member_name}) : {p.before.tariff} → {p.after.tariff}")
        for text in p.diff.descriptions():
            _out(f"  {text}")
    for r in refused:
        _out(
            f"{r.before.label} ({r.before.member_name}) : {r.before.tariff} → {r.tariff} "
            f"impossible, brouillon laissé tel quel. {r.reason} Ouvrez-le dans l'application "
            "(Offres enregistrées), puis relancez comptoir offers reprice."
        )
    if not previews:
        return 0
    if args.apply:
        done = repo.reprice_apply(previews)
        _out(f"{len(done)} brouillon(s) recalculé(s).")
    else:
        _out("Aperçu seulement : relancez avec --apply pour recalculer ces brouillons.")
    return 0


def run_export(args: argparse.Namespace, services: Any) -> int:
    from desktop.store.bundles import export_offers

    since = parse_date(args.since, "--since") if args.since else None
    if since is not None and args.number:
        raise InvalidInput("Choisissez --since ou --number, pas les deux.")
    repo = offer_repository(services)
    for ref in args.number or ():  # named, yet it would not travel: said, not an empty bundle
        offer = repo.get(ref)
        if offer.is_draft:
            raise InvalidInput(
                f"Le brouillon {offer.id[:8]} n'est pas exportable : seules les offres "
                "finalisées voyagent. Finalisez-le d'abord (comptoir offers finalize)."
            )
    report = export_offers(repo, Path(args.out), since=since, refs=args.number)
    _out(report.summary)
    return 0


def run_import(args: argparse.Namespace, services: Any) -> int:
    from desktop.store.bundles import import_offers

    report = import_offers(offer_repository(services), Path(args.file))
    if args.json:
        _emit(
            {
                "device": report.device,
                "imported": list(report.imported),
                "identical": list(report.identical),
                "updated": list(report.updated),
                "conflicts": [{"number": c.number, "reason": c.reason} for c in report.conflicts],
            }
        )
    else:
        for text in report.lines(Path(args.file).name):
            _out(text)
    return CONFLICTS_EXIT if report.conflicts else 0
