"""``comptoir settings``: read and change the business settings stored in the database.

Head office prepares each laptop with a script (device code, seller, letterhead fields); the
same validation as the settings screen applies, and nothing is written unless every value
given is valid.
"""

from __future__ import annotations

import sys
from dataclasses import fields
from decimal import Decimal
from typing import Any

from desktop.core.errors import InvalidInput, InvalidInputs
from desktop.core.inputs import ascii_int, shown
from desktop.core.settings import LABELS, Settings, percent_text

_INT_FIELDS = {f.name for f in fields(Settings) if f.type == "int"}


def register(subparsers: Any, services_factory: Any) -> None:
    parser = subparsers.add_parser(
        "settings",
        help="réglages de ce poste : vendeur, code de l'appareil, en-tête, validité",
        description="Réglages enregistrés dans la base (les mêmes que l'écran Réglages).",
    )
    commands = parser.add_subparsers(dest="settings_command", metavar="ACTION")
    show = commands.add_parser("show", help="affiche les réglages")
    show.add_argument("--json", action="store_true", help="sortie JSON")
    show.set_defaults(handler=lambda args: _show(args, services_factory(args)))
    keys = ", ".join(LABELS)
    change = commands.add_parser(
        "set",
        help="modifie un ou plusieurs réglages (CLÉ=VALEUR)",
        description=(
            f"Modifie les réglages donnés, tous vérifiés avant d'écrire. Clés : {keys}. "
            "address_lines : lignes séparées par « | » ; indexation : pourcentage (« 2 % ») ou "
            "fraction (0.02)."
        ),
    )
    change.add_argument("pairs", nargs="+", metavar="CLÉ=VALEUR", help="réglage à modifier")
    change.set_defaults(handler=lambda args: _set(args, services_factory(args)))
    parser.set_defaults(handler=lambda args: _show(args, services_factory(args)))


def as_json(settings: Settings) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(settings):
        value = getattr(settings, f.name)
        if isinstance(value, Decimal):
            value = format(value, "f")
        elif isinstance(value, tuple):
            value = list(value)
        out[f.name] = value
    out["missing"] = list(settings.missing())
    return out


def parse_pairs(pairs: list[str]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise InvalidInput(f"« {shown(pair)} » : écrivez CLÉ=VALEUR (ex. device_code=LAP1).")
        if key not in LABELS:
            raise InvalidInput(
                f"Réglage inconnu : « {shown(key)} ». Réglages possibles : {', '.join(LABELS)}."
            )
        if key == "address_lines":
            changes[key] = tuple(part.strip() for part in value.split("|"))
        elif key in _INT_FIELDS:
            number = ascii_int(value)
            if number is None:
                raise InvalidInput(
                    f"{LABELS[key]} : nombre entier attendu, reçu « {shown(value)} ».", field=key
                )
            changes[key] = number
        else:
            changes[key] = value
    return changes


def _show(args: Any, services: Any) -> int:
    from desktop.cli import emit_json

    settings = services.settings.load()
    _warn_refused(services.settings.load_as_stored())
    if getattr(args, "json", False):
        emit_json(as_json(settings))
        return 0
    data = as_json(settings)
    data["indexation"] = percent_text(settings.indexation)  # « 2 % », as it is set
    for key, label in LABELS.items():
        value = data[key]
        text = " | ".join(value) if isinstance(value, list) else str(value)
        print(f"{label} ({key}) : {text or '[à compléter]'}")
    return 0


def _warn_refused(stored: Settings) -> None:
    """On stderr, each stored value a newer check refuses, shown as its default, and the
    command that corrects it (the window names them next to their fields)."""
    try:
        stored.validated()
    except InvalidInput as error:
        for e in getattr(error, "errors", (error,)):
            key = f" : comptoir settings set {e.field}=…" if e.field else ""
            sys.stderr.write(f"Attention : valeur enregistrée refusée, défaut affiché. {e}{key}\n")


def _set(args: Any, services: Any) -> int:
    changes = parse_pairs(args.pairs)
    try:
        services.settings.update(**changes)
    except InvalidInput as error:
        raise _stored_named(error, changes) from None
    print("Réglages enregistrés.")
    return 0


def _stored_named(error: InvalidInput, changes: dict[str, Any]) -> InvalidInput:
    """``error``, where it is about a stored value the command did not give (saved before a
    check existed), saying so and how to correct it."""
    said = [
        e
        if e.field is None or e.field in changes
        else InvalidInput(
            f"{e} Cette valeur est celle enregistrée ({e.field}) : donnez-en une nouvelle dans "
            f"la même commande ({e.field}=…).",
            field=e.field,
        )
        for e in getattr(error, "errors", (error,))
    ]
    return said[0] if len(said) == 1 else InvalidInputs(said)
