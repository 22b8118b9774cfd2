"""``comptoir offer`` and ``comptoir contract``: the offer and contract PDFs, from a shell.

``comptoir offer (--member … | --kind …) --product … [--param …] --pdf FICHIER`` prices the
offer exactly as ``comptoir quote`` does (same options, same pipeline: it calls
``desktop.cli.quote.build_quote_from_args``) and writes the offer as a PROJET (drafts have no
number; ``comptoir quote … --save`` then ``comptoir offers finalize`` give a numbered offer).

``comptoir contract --offer NUMÉRO --pdf FICHIER`` writes the "Bon de commande et dispositions
particulières" of an offer in state *acceptée* or *convertie* (else exit status 2 with the
reason), worded by the contract template stored in the database.
"""

from __future__ import annotations

import argparse
import codecs
import sys
from datetime import date
from pathlib import Path
from typing import Any

from desktop.core.errors import InvalidInput
from desktop.core.offers import MAX_CONTRACT_YEARS

DATE_HELP = "AAAA-MM-JJ ou JJ/MM/AAAA"
# what each « comptoir template » action does: listed by « template --help », said by its own
TEMPLATE_ACTIONS = {
    "export": "écrit le modèle en vigueur dans un fichier texte",
    "import": "vérifie puis enregistre un fichier comme nouveau modèle",
    "fields": "liste des champs {…}, des blocs [[…]] et des conditions [[si …]] autorisés",
    "history": "versions enregistrées du modèle",
    "reset": "remet le texte par défaut en vigueur (nouvelle version)",
}


def _date(text: str | None, option: str) -> date | None:
    """The date of ``option`` read as every command reads dates (four-digit year, 2000-2099)."""
    if text is None:
        return None
    from desktop.cli.offers import parse_date

    return parse_date(text, option)


def save_pdf(path: str, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (a half-written PDF never replaces a good one)."""
    from desktop.store.files import write_atomically

    return write_atomically(path, data, what="le fichier PDF")


def _pages(pdf: bytes) -> int:
    return pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page")


def _settings(services: Any) -> Any:
    try:
        return services.settings.load()
    except (ModuleNotFoundError, AttributeError):  # settings store not available
        return None


# --------------------------------------------------------------------------- registration


def register(subparsers: Any, services_factory: Any) -> None:
    from desktop.cli.quote import add_quote_arguments

    offer = subparsers.add_parser(
        "offer",
        help="offre PDF (projet) d'un membre pour un ou plusieurs produits",
        description=(
            "Chiffre l'offre comme « comptoir quote » et l'écrit en PDF (projet non "
            "numéroté, filigrane PROJET). Pour une offre numérotée : comptoir quote … "
            "--save puis comptoir offers finalize."
        ),
        epilog=(
            "Exemple : comptoir offer --member Nivelles --product delib --product aes "
            "--param aes:schools=9 --pdf offre.pdf"
        ),
    )
    # The options of ``comptoir quote`` (member or kind, products, parameters, years...) from
    # the one function that declares them, so the two commands never drift apart. Not
    # ``parents=[quote]``: that shares argparse's option objects, and resolving the clash on
    # ``--db`` took the option string away from ``quote``'s own ``--db``.
    add_quote_arguments(offer)
    offer.add_argument("--pdf", metavar="FICHIER", required=True, help="fichier PDF à écrire")
    offer.add_argument(
        "--date", metavar="DATE", default=None, help=f"date de l'offre ({DATE_HELP}), défaut : aujourd'hui"
    )
    offer.set_defaults(handler=lambda args: run_offer(args, services_factory(args)))

    contract = subparsers.add_parser(
        "contract",
        help="bon de commande et dispositions particulières d'une offre acceptée (PDF)",
        description=(
            "Écrit le « Bon de commande et dispositions particulières » d'une offre acceptée "
            "(ou déjà convertie), selon le modèle de contrat enregistré dans la base. L'offre "
            "acceptée devient « Convertie ». Redemandé, le bon de commande établi est redonné "
            "tel qu'il a été imprimé (mêmes dates, même durée, même texte), octet pour octet."
        ),
        epilog="Exemple : comptoir contract --offer OFF-2026-LAP1-0001 --pdf contrat.pdf",
    )
    contract.add_argument("--offer", metavar="NUMÉRO", required=True, help="numéro de l'offre acceptée")
    contract.add_argument("--pdf", metavar="FICHIER", required=True, help="fichier PDF à écrire")
    contract.add_argument(
        "--start", metavar="DATE", default=None, help=f"date de prise d'effet ({DATE_HELP}), défaut : date du document"
    )
    contract.add_argument(
        "--years",
        metavar="N",
        type=int,
        default=None,
        help=f"durée initiale en années, 1 à {MAX_CONTRACT_YEARS} (défaut : 1)",
    )
    contract.add_argument(
        "--date", metavar="DATE", default=None, help=f"date du document ({DATE_HELP}), défaut : aujourd'hui"
    )
    contract.add_argument("--json", action="store_true", help="sortie JSON")
    contract.set_defaults(handler=lambda args: run_contract(args, services_factory(args)))

    template = subparsers.add_parser(
        "template",
        help="modèle du bon de commande : exporter, importer (vérifié), historique, champs",
        description=(
            "Le texte du bon de commande est un modèle enregistré dans la base. Exportez-le, "
            "modifiez-le dans un éditeur de texte, puis importez-le : il est vérifié (champs "
            "{…} connus, accolades fermées, conditions [[si …]] connues et fermées par "
            "[[fin]]) avant d'être enregistré comme nouvelle version."
        ),
    )
    tsub = template.add_subparsers(dest="template_action", metavar="ACTION", required=True)

    def action(name: str) -> argparse.ArgumentParser:
        # its own --help says what it does in the words « comptoir template --help » lists it with
        what = TEMPLATE_ACTIONS[name]
        parser: argparse.ArgumentParser = tsub.add_parser(
            name, help=what, description=f"{what[0].upper()}{what[1:]}."
        )
        return parser

    p = action("export")
    p.add_argument("file", metavar="FICHIER", help="fichier texte à écrire")
    p.add_argument("--version", type=int, default=None, help="une version précise (défaut : en vigueur)")
    p = action("import")
    p.add_argument("file", metavar="FICHIER", help="fichier texte du modèle (UTF-8), tel que l'export l'écrit")
    action("fields")
    p = action("history")
    p.add_argument("--json", action="store_true", help="sortie JSON")
    action("reset")
    template.set_defaults(handler=lambda args: run_template(args, services_factory(args)))


# --------------------------------------------------------------------------- commands


def run_offer(args: argparse.Namespace, services: Any) -> int:
    from desktop.cli.quote import build_quote_from_args
    from desktop.core.members import MemberKind
    from desktop.documents.offer import build_offer_document, render_offer

    quote, _request, member = build_quote_from_args(args, services)
    tariff = services.tariff(quote.tariff)
    settings = _settings(services)
    issued = _date(args.date, "--date") or date.today()
    kind = MemberKind.parse(args.kind) if member is None and args.kind else None
    doc = build_offer_document(
        quote,
        tariff,
        settings,
        number=None,
        issued=issued,
        seller=str(getattr(settings, "seller_name", "") or ""),
        member_kind=kind,
    )
    pdf = render_offer(doc)
    out = save_pdf(args.pdf, pdf)
    pages = _pages(pdf)
    if getattr(args, "json", False):
        from desktop.cli import emit_json

        emit_json({"pdf": str(out), "pages": pages, "number": None, "draft": True,
                   "valid_until": doc.valid_until.isoformat(), "partial": doc.partial})
    else:
        _print(f"Projet d'offre écrit : {out} ({pages} page{'s' if pages > 1 else ''}).")
        if quote.blocking:
            _print("Points à régler avant l'envoi : " + " ; ".join(n.message for n in quote.blocking))
    return 0


def run_contract(args: argparse.Namespace, services: Any) -> int:
    from desktop.core.errors import InvalidInput
    from desktop.core.offers import (
        OfferState,
        accepted_on,
        check_contract_dates,
        check_contract_term,
        contract_note,
        recorded_contract,
    )
    from desktop.documents.contract import (
        build_contract_document,
        check_contractable,
        prints_term,
        render_contract,
    )
    from desktop.store.offers_repo import OfferRepository
    from desktop.store.templates_repo import TemplateRepository

    # what was typed is checked before anything is read: a bad option is told at once
    issued = _date(args.date, "--date")
    start = _date(args.start, "--start")
    years = None if args.years is None else check_contract_term(args.years)
    repo = OfferRepository(services.db)
    offer = repo.get(args.offer)
    quote = check_contractable(offer, repo.today())  # RuleViolation (exit 2) unless acceptée / convertie
    history = repo.audit(offer.id)
    accepted = accepted_on(history)
    recorded = recorded_contract(history)  # printed again: the dates and term it was issued with
    kept = repo.order_form(offer.id) if offer.state is OfferState.CONVERTIE else None
    if kept is not None and recorded is None and any(x is not None for x in (issued, start, years)):
        raise InvalidInput(
            f"Le bon de commande de l'offre {offer.number} est établi : il est redonné tel quel. "
            "Retirez --date, --start et --years."
        )
    if recorded is not None:
        asked = (issued, start, years)
        if any(a is not None and a != r for a, r in zip(asked, recorded, strict=True)):
            raise InvalidInput(
                f"Le bon de commande de l'offre {offer.number} est établi depuis le "
                f"{recorded[0]:%d/%m/%Y} (prise d'effet le {recorded[1]:%d/%m/%Y}, "
                f"{recorded[2]} an{'s' if recorded[2] > 1 else ''}) : il est redonné tel quel. "
                "Retirez --date, --start et --years."
            )
        issued, start, years = recorded
    if kept is not None:  # what the member signs, byte for byte (also one imported from a laptop)
        pdf, version = kept
        out = save_pdf(args.pdf, pdf)
        return _contract_written(args, out, pdf, offer, version, again=True)
    offered = offer.finalised_on
    issued, start = check_contract_dates(
        issued or date.today(), start, offered=offered, accepted=None if recorded else accepted
    )
    tariff = services.tariff(offer.tariff)
    template = TemplateRepository(services.db).get("contrat")
    if years is not None and recorded is None and not prints_term(template.parsed(), quote):
        # days of service: the wording prints no term (stderr: --json stays one document)
        sys.stderr.write(
            f"Attention : l'offre {offer.number} n'a pas de coût annuel ; son bon de commande "
            "n'a ni durée initiale ni reconduction : --years est sans effet sur le document.\n"
        )
    years = years or 1
    doc = build_contract_document(
        offer,
        tariff,
        _settings(services),
        template_text=template.body,
        issued=issued,
        start=start,
        term_years=years,
        accepted_on=accepted,
    )
    pdf = render_contract(doc)
    out = save_pdf(args.pdf, pdf)
    if offer.state is OfferState.ACCEPTEE:  # as in the window: the order form exists, the offer is converted
        offer = repo.convert(offer.id, contract_note(issued, start, years), pdf, template.version)
        return _contract_written(args, out, pdf, offer, template.version, converted=True)
    repo.keep_order_form(offer.id, pdf, template.version)  # converted before they were kept
    return _contract_written(args, out, pdf, offer, template.version)


def _contract_written(
    args: argparse.Namespace,
    out: Path,
    pdf: bytes,
    offer: Any,
    template_version: int | None,
    *,
    converted: bool = False,
    again: bool = False,
) -> int:
    pages = _pages(pdf)
    if args.json:
        from desktop.cli import emit_json

        emit_json({"pdf": str(out), "pages": pages, "offer": offer.number,
                   "state": offer.state.value, "template_version": template_version})
        return 0
    how = "redonné tel qu'établi" if again else f"modèle de contrat version {template_version}"
    _print(f"Bon de commande de l'offre {offer.number} écrit : {out} ({pages} page{'s' if pages > 1 else ''}, {how}).")
    if converted:
        _print(f"L'offre {offer.number} est convertie.")
    return 0


def run_template(args: argparse.Namespace, services: Any) -> int:
    from desktop.core import doctemplate

    code = "contrat"
    action = args.template_action
    if action == "fields":
        _print("Champs :")
        for name, what in doctemplate.allowed_fields(code).items():
            _print(f"  {{{name}}}  {what}")
        _print("Blocs :")
        for name, what in doctemplate.allowed_blocks(code).items():
            _print(f"  [[{name}]]  {what}")
        _print(f"Conditions ({doctemplate.CONDITION_SYNTAX}, chacun seul sur sa ligne) :")
        for name, what in doctemplate.allowed_conditions(code).items():
            _print(f"  [[{doctemplate.IF} {name}]]  {what}")
        return 0
    from desktop.store.templates_repo import TemplateRepository

    repo = TemplateRepository(services.db)
    if action == "export":
        from desktop.store.files import write_atomically

        t = repo.get(code, args.version)
        out = write_atomically(args.file, t.body.encode("utf-8"), what="le modèle")
        _print(f"Modèle « {code} » version {t.version} écrit : {out}")
    elif action == "import":
        from desktop.store.faults import storage_errors

        src = Path(args.file).expanduser()
        if not src.exists():
            raise InvalidInput(f"Fichier introuvable : {src}.")
        if src.is_dir():
            raise InvalidInput(f"{src} est un dossier : indiquez le fichier du modèle.")
        if not src.is_file():
            raise InvalidInput(f"{src} n'est pas un fichier : indiquez le fichier du modèle.")
        if src.stat().st_size > 4 * doctemplate.MAX_LENGTH:  # not even read: UTF-8, 4 bytes at most
            raise doctemplate.too_long()
        try:
            with storage_errors("lire le modèle", src):
                # « UTF-8 avec BOM »: what Notepad and PowerShell 5.1 (Set-Content -Encoding
                # UTF8) write on Windows; the mark would print its first line, a comment
                body = src.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as e:  # Windows-1252 (« ANSI »), mostly: where, and how
            raw = bytes(e.object)
            if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                # « Unicode » in Notepad, what PowerShell 5.1's > writes: read as ANSI, its
                # line would be shown with a NUL between every two letters
                where = "enregistré en UTF-16, « Unicode »"
            else:
                lineno = raw.count(b"\n", 0, e.start) + 1
                line = raw.split(b"\n")[lineno - 1].decode("cp1252", "replace").strip()
                where = f"ligne {lineno} : « {line[:60]}{'…' if len(line) > 60 else ''} »"
            raise InvalidInput(
                f"{src} n'est pas un texte UTF-8 ({where}) : enregistrez-le en UTF-8 (Bloc-notes : "
                "Fichier > Enregistrer sous, Encodage : UTF-8), puis importez-le à nouveau."
            ) from None
        t = repo.save(code, body, who=_who(services))
        _print(f"Modèle « {code} » enregistré : version {t.version}.")
    elif action == "history":
        versions = repo.history(code)
        if args.json:  # the one in force is the last saved: a script should not have to know it
            from desktop.cli import emit_json

            emit_json([
                {"version": t.version, "saved_at": t.saved_at, "saved_by": t.saved_by or None,
                 "default_text": t.is_default, "in_force": t is versions[-1]}
                for t in versions
            ])
            return 0
        for t in versions:
            origin = "texte par défaut" if t.is_default else "modifié"
            who = f", par {t.saved_by}" if t.saved_by else ""
            _print(f"version {t.version} — {_local(t.saved_at)} — {origin}{who}")
    elif action == "reset":
        t = repo.reset(code, who=_who(services))
        _print(f"Texte par défaut remis en vigueur : version {t.version}.")
    return 0


def _local(stamp: str) -> str:
    """« 2026-11-22T16:20:03+00:00 » -> « 22/11/2026 17:20 », as the offers' history says it."""
    from datetime import datetime

    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%d/%m/%Y %H:%M")
    except (TypeError, ValueError):
        return stamp


def _who(services: Any) -> str:
    """Who changes the wording, as the offers' history names people: the seller's initials
    or name from the settings, else the system user."""
    from desktop.store.offers_repo import OfferRepository

    return OfferRepository(services.db).who()


def _print(text: str) -> None:
    sys.stdout.write(text + "\n")
