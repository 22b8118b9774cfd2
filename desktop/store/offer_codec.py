"""JSON for offers: core dataclasses to plain data and back, Decimals as strings.

The codec is generic over frozen dataclasses (it reads their type hints), so a field added to
``Quote`` or ``Member`` later is stored without touching this file; a field missing from old
JSON takes its default, an unknown key from a newer version is ignored.

``canonical_json`` is the deterministic form (sorted keys, no spaces, UTF-8) used for storage,
checksums and for telling an identical offer from a different one on import.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import logging
import types
import typing
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any, TypeVar, Union, get_args, get_origin

from desktop.core.categories import CategoryDecision
from desktop.core.errors import StorageError
from desktop.core.members import Member
from desktop.core.offers import AuditEntry, Offer
from desktop.core.quote import Quote, QuoteRequest

T = TypeVar("T")
log = logging.getLogger(__name__)


class CodecError(StorageError):
    """Stored or imported JSON does not describe a valid value."""


def to_data(obj: Any) -> Any:
    """Dataclasses, enums, Decimals, dates, mappings and sequences -> JSON-ready data."""
    if obj is None or isinstance(obj, bool | int | str):
        return obj
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, Decimal):
        return str(obj)
    if isinstance(obj, float):
        return repr(obj)
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {
            f.name: to_data(getattr(obj, f.name))
            for f in dataclasses.fields(obj)
            if not (f.metadata.get("added_later") and getattr(obj, f.name) == _default(f))
        }
    if isinstance(obj, Mapping):
        return {str(to_data(k)): to_data(v) for k, v in obj.items()}
    if isinstance(obj, frozenset | set):
        return sorted((to_data(x) for x in obj), key=lambda x: json.dumps(x, sort_keys=True))
    if isinstance(obj, tuple | list):
        return [to_data(x) for x in obj]
    raise TypeError(f"cannot encode {type(obj).__name__}")


def _default(f: dataclasses.Field[Any]) -> Any:
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return f.default


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def from_data(tp: Any, data: Any, where: str = "") -> Any:
    """Rebuild a value of type ``tp`` from ``to_data`` output; CodecError says where it broke."""
    try:
        origin = get_origin(tp)
        if tp is Any:
            return data
        if origin in (Union, types.UnionType):
            args = get_args(tp)
            if data is None and type(None) in args:
                return None
            errors = []
            for a in args:
                if a is type(None):
                    continue
                try:
                    return from_data(a, data, where)
                except (CodecError, TypeError, ValueError) as e:
                    errors.append(e)
            raise CodecError(f"valeur inattendue à {where or 'la racine'}")
        if data is None:
            raise CodecError(f"valeur manquante à {where or 'la racine'}")
        if tp is Decimal:
            if not isinstance(data, str | int):
                raise CodecError(f"montant invalide à {where}")
            return Decimal(data)
        if tp is datetime:
            if not isinstance(data, str):
                raise CodecError(f"date et heure attendues à {where}")
            return datetime.fromisoformat(data)
        if tp is date:
            if not isinstance(data, str):
                raise CodecError(f"date attendue à {where}")
            return date.fromisoformat(data)
        if tp is bool:
            if not isinstance(data, bool):
                raise CodecError(f"booléen attendu à {where}")
            return data
        if tp is int:
            if isinstance(data, bool) or not isinstance(data, int):
                raise CodecError(f"entier attendu à {where}")
            return data
        if tp is str:
            if not isinstance(data, str):
                raise CodecError(f"texte attendu à {where}")
            return data
        if tp is float:
            return float(data)
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            allowed = [m.value for m in tp]
            if data not in allowed:
                raise CodecError(
                    f"valeur {_shown(data)} inconnue à {where or 'la racine'} ; valeurs "
                    "possibles : " + ", ".join(str(v) for v in allowed)
                )
            return tp(data)
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            if not isinstance(data, dict):
                raise CodecError(f"objet attendu à {where or tp.__name__}")
            hints = _hints(tp)
            kwargs = {}
            for f in dataclasses.fields(tp):
                if not f.init:
                    continue
                if f.name in data:
                    kwargs[f.name] = from_data(hints[f.name], data[f.name], f"{where}.{f.name}")
                elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                    raise CodecError(f"champ « {f.name} » manquant à {where or tp.__name__}")
            return tp(**kwargs)
        if origin in (tuple,):
            args = get_args(tp)
            if not isinstance(data, list):
                raise CodecError(f"liste attendue à {where}")
            if len(args) == 2 and args[1] is Ellipsis:
                return tuple(from_data(args[0], x, f"{where}[{i}]") for i, x in enumerate(data))
            if len(args) != len(data):
                raise CodecError(f"liste de {len(args)} éléments attendue à {where}")
            return tuple(
                from_data(a, x, f"{where}[{i}]")
                for i, (a, x) in enumerate(zip(args, data, strict=True))
            )
        if origin in (frozenset, set):
            (arg,) = get_args(tp)
            if not isinstance(data, list):
                raise CodecError(f"liste attendue à {where}")
            return frozenset(from_data(arg, x, where) for x in data)
        if origin in (list,):
            (arg,) = get_args(tp)
            return [from_data(arg, x, f"{where}[{i}]") for i, x in enumerate(data)]
        if origin in (dict, Mapping, typing.Mapping) or tp in (dict, Mapping):
            args = get_args(tp) or (str, Any)
            if not isinstance(data, dict):
                raise CodecError(f"objet attendu à {where}")
            return {
                from_data(args[0], k, where): from_data(args[1], v, f"{where}.{k}")
                for k, v in data.items()
            }
    except CodecError:
        raise
    except (TypeError, ValueError, InvalidOperation, KeyError) as e:
        # Python's own wording is English: the user reads where and what, the log the rest
        log.debug("cannot decode %r at %s: %s", data, where, e)
        raise CodecError(f"valeur invalide à {where or 'la racine'} : {_shown(data)}") from e
    raise CodecError(f"type non pris en charge à {where}: {tp!r}")


def _shown(value: Any) -> str:
    """A value as a message quotes it: « texte », or short JSON for anything else."""
    if isinstance(value, str):
        text = value
    else:
        try:
            text = json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError):
            text = type(value).__name__
    return f"« {text[:40]}{'…' if len(text) > 40 else ''} »"


def json_problem(e: json.JSONDecodeError | UnicodeDecodeError | RecursionError) -> str:
    """Where a JSON text goes wrong, in French (« ligne 1, colonne 2 »)."""
    if isinstance(e, UnicodeDecodeError):
        return "ce n'est pas du texte UTF-8"
    if isinstance(e, RecursionError):  # [[[[…: the parser gives up before the end
        return "listes ou objets imbriqués trop profondément"
    return f"ligne {e.lineno}, colonne {e.colno}"


def canonical_json(data: Any) -> str:
    return json.dumps(to_data(data), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def loads(text: str) -> Any:
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError) as e:
        raise CodecError(f"JSON illisible ({json_problem(e)})") from None
    except TypeError as e:
        raise CodecError("JSON illisible (ce n'est pas un texte)") from e


def sha256_hex(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


# --- typed helpers ---------------------------------------------------------------------


def decode(tp: type[T], text: str | None, what: str) -> T:
    if text is None:
        raise CodecError(f"{what} absent")
    try:
        return typing.cast(T, from_data(tp, loads(text), what))
    except CodecError as e:
        raise CodecError(f"Données illisibles ({what}) : {e}") from e


def decode_opt(tp: type[T], text: str | None, what: str) -> T | None:
    return None if text is None else decode(tp, text, what)


def request_json(r: QuoteRequest) -> str:
    return canonical_json(r)


def quote_json(q: Quote | None) -> str | None:
    return None if q is None else canonical_json(q)


def member_json(m: Member | None) -> str | None:
    return None if m is None else canonical_json(m)


def decision_json(d: CategoryDecision) -> str:
    return canonical_json(d)


def offer_to_data(o: Offer) -> dict[str, Any]:
    return typing.cast(dict[str, Any], to_data(o))


def offer_from_data(data: Any) -> Offer:
    return typing.cast(Offer, from_data(Offer, data, "offre"))


def audit_to_data(e: AuditEntry) -> dict[str, Any]:
    return typing.cast(dict[str, Any], to_data(e))


def audit_from_data(data: Any) -> AuditEntry:
    return typing.cast(AuditEntry, from_data(AuditEntry, data, "journal"))
