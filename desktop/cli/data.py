"""``comptoir catalogue export|import``, ``comptoir backup`` and ``comptoir restore``.

comptoir catalogue export --out FICHIER     (head office: catalogue + member directory)
comptoir catalogue import FICHIER           (laptop: all or nothing, offers untouched)
comptoir backup --out FICHIER [--force]     (a verified copy, online: the app may be open;
                                             an existing FICHIER is replaced only with --force)
comptoir restore FICHIER                    (checked first; refused while the app is open)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from desktop.core.errors import InvalidInput, StorageError


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")


def register(subparsers: Any, services_factory: Any) -> None:
    cat = subparsers.add_parser(
        "catalogue",
        help="échange du catalogue et de l'annuaire des membres (du siège vers les portables)",
        description="Exporte ou importe le catalogue et l'annuaire des membres en un lot.",
    )
    sub = cat.add_subparsers(dest="catalogue_command", metavar="ACTION")
    p = sub.add_parser("export", help="exporte catalogue et annuaire dans un lot (fichier zip)")
    p.add_argument("--out", metavar="FICHIER", required=True, help="lot à créer")
    p.set_defaults(handler=lambda args: run_catalogue_export(args, services_factory(args)))
    p = sub.add_parser("import", help="remplace catalogue et annuaire par ceux d'un lot")
    p.add_argument("file", metavar="FICHIER", help="lot de catalogue (fichier zip) exporté par le siège")
    p.set_defaults(handler=lambda args: run_catalogue_import(args, services_factory(args)))

    b = subparsers.add_parser(
        "backup",
        help="sauvegarde la base de données dans un fichier",
        description="Copie cohérente de la base (même si l'application est ouverte), vérifiée.",
    )
    b.add_argument("--out", metavar="FICHIER", required=True, help="fichier de sauvegarde à créer")
    b.add_argument(
        "--force", action="store_true", help="remplace FICHIER s'il existe déjà (sinon : refusé)"
    )
    b.set_defaults(handler=lambda args: run_backup(args, services_factory(args)))

    r = subparsers.add_parser(
        "restore",
        help="restaure la base de données depuis une sauvegarde",
        description=(
            "Vérifie la sauvegarde (intégrité, version) puis remplace la base ; l'ancienne base "
            "est conservée dans le dossier des sauvegardes. Fermez l'application avant."
        ),
    )
    r.add_argument("file", metavar="FICHIER", help="sauvegarde à remettre (comptoir backup, ou une copie automatique)")
    r.set_defaults(handler=lambda args: run_restore(args, services_factory(args)))


def _device(services: Any) -> str:
    try:
        return str(getattr(services.settings.load(), "device_code", "") or "")
    except Exception:  # settings unavailable: the bundle simply names no device
        return ""


def run_catalogue_export(args: argparse.Namespace, services: Any) -> int:
    from desktop.store.bundles import export_catalogue

    report = export_catalogue(services.db, Path(args.out), device=_device(services))
    total = sum(report.tables.values())
    _out(f"Catalogue et annuaire exportés dans {report.path} ({total} lignes).")
    if report.needs_update:
        what = (
            "Le texte du bon de commande de ce catalogue a des conditions ([[si …]])"
            if report.conditional_wording
            else "Ce catalogue laisse des montants hors remise (le support d'iA.AES)"
        )
        _out(
            f"{what} : les portables d'une version antérieure de Comptoir le refusent ; "
            "mettez-les à jour avant de l'importer."
        )
    return 0


def run_catalogue_import(args: argparse.Namespace, services: Any) -> int:
    from desktop.store.bundles import import_catalogue
    from desktop.store.instance_lock import held_elsewhere

    if held_elsewhere(Path(services.db_path)):  # the window would go on pricing on the old one
        raise StorageError(
            "Comptoir est ouvert sur cette base de données : importez le catalogue dans "
            "l'application (Fichier > Importer le catalogue…), ou fermez-la avant de l'importer "
            "ici. Ouverte, elle continuerait de chiffrer sur l'ancien catalogue."
        )
    report = import_catalogue(services.db, Path(args.file))
    _out(f"Catalogue et annuaire importés depuis {report.path} :")
    for text in report.lines():
        _out(f"  {text}")
    return 0


def run_backup(args: argparse.Namespace, services: Any) -> int:
    from desktop.store.backup import backup

    path = services.db_path
    if not Path(path).is_file():
        raise StorageError(f"Aucune base de données à sauvegarder : {path} n'existe pas.")
    target = Path(args.out).expanduser()
    if target.exists() and not target.is_dir() and not args.force:
        # a script run twice must not silently replace last week's copy
        raise InvalidInput(
            f"{target} existe déjà : choisissez un autre nom, ou ajoutez --force pour le "
            "remplacer.",
            field="out",
        )
    out = backup(path, target)
    _out(f"Sauvegarde écrite : {out}")
    return 0


def run_restore(args: argparse.Namespace, services: Any) -> int:
    from desktop.store.backup import restore
    from desktop.store.instance_lock import held_elsewhere

    path = Path(services.db_path)
    if held_elsewhere(path):
        raise StorageError(
            "Comptoir est ouvert sur cette base de données : fermez l'application avant de "
            "restaurer (ou utilisez Fichier > Restaurer la base… dans l'application)."
        )
    services.close()  # no connection of ours may stay open on the file being replaced
    report = restore(path, Path(args.file))
    _out(f"Base restaurée depuis {report.restored_from} (schéma {report.schema_version}).")
    if report.previous_copy:
        _out(f"L'ancienne base est conservée : {report.previous_copy}")
    return 0
