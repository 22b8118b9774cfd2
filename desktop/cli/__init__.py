"""Command line: ``comptoir <commande> ...`` over the same services as the application.

This module is only the dispatcher. Each module named in ``COMMAND_MODULES`` exposes
``register(subparsers, services_factory)`` and adds its commands::

    def register(subparsers, services_factory):
        parser = subparsers.add_parser("category", help="...", description="...")
        parser.add_argument("--json", action="store_true", help="sortie JSON")
        parser.set_defaults(handler=lambda args: _category(args, services_factory(args)))

- ``handler(args)`` returns the exit status (``None`` means 0) and prints its result
  (``emit_json`` for ``--json``).
- ``services_factory(args)`` returns the ``Services`` of this run: database path and
  repositories, opened on first use and closed by the dispatcher afterwards.
- Anything the user can fix is raised as a typed error of ``desktop.core.errors``: the
  dispatcher prints its French message on stderr and exits with status 2. Any other exception
  is logged with its traceback and reported in one French line, exit status 1. Never a
  traceback on stderr.
- Every sub-command accepts ``--db CHEMIN`` (added here), before or after the command name.
- A module that does not exist yet is skipped; a module that fails to import is an error.

Parsers are ``FrenchArgumentParser``: argparse's own texts (usage, errors, help headings) are in
French and errors read ``comptoir : erreur : ...`` with exit status 2.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import decimal
import enum
import importlib
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any, NoReturn

from desktop import __version__
from desktop.core.errors import Ambiguous, ComptoirError, InvalidInput
from desktop.core.format import french_spaces
from desktop.core.inputs import shown
from desktop.logging_setup import configure_logging

log = logging.getLogger(__name__)

PROG = "comptoir"

COMMAND_MODULES = [
    "desktop.cli.members",
    "desktop.cli.quote",
    "desktop.cli.documents",
    "desktop.cli.offers",
    "desktop.cli.data",
    "desktop.cli.settings",
]

ServicesFactory = Callable[[argparse.Namespace], "Services"]
Handler = Callable[[argparse.Namespace], "int | None"]

_DB_HELP = (
    "fichier de base de données à utiliser (sinon la variable COMPTOIR_DB, "
    "sinon le dossier de données de l'utilisateur)"
)

# --------------------------------------------------------------------------- French argparse

# argparse looks its texts up through gettext at the moment it uses them; these are the
# messages of Python 3.11 to 3.13.
_FRENCH: dict[str, str] = {
    "usage: ": "usage : ",
    # a section's title is followed by « : » glued on: the space makes it French (« options : »)
    "positional arguments": "arguments ",
    "options": "options ",
    "optional arguments": "options ",
    "subcommands": "commandes ",
    "show this help message and exit": "afficher cette aide et quitter",
    "show program's version number and exit": "afficher la version et quitter",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "one of the arguments %s is required": "l'un de ces arguments est obligatoire : %s",
    "unrecognized arguments: %s": "arguments non reconnus : %s",
    "not allowed with argument %s": "incompatible avec l'argument %s",
    "ignored explicit argument %r": "valeur en trop : « %s »",
    "expected one argument": "une valeur est attendue",
    "expected at most one argument": "au plus une valeur est attendue",
    "expected at least one argument": "au moins une valeur est attendue",
    "ambiguous option: %(option)s could match %(matches)s": (
        "option ambiguë : %(option)s peut désigner %(matches)s"
    ),
    "unexpected option string: %s": "option inattendue : %s",
    "invalid %(type)s value: %(value)r": "valeur invalide : « %(value)s »",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "choix invalide : %(value)r (possibles : %(choices)s)"
    ),
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "commande inconnue : « %(parser_name)s » (possibles : %(choices)s)"
    ),
    "can't open '%(filename)s': %(error)s": "impossible d'ouvrir « %(filename)s » : %(error)s",
}
_FRENCH_PLURAL: dict[str, tuple[str, str]] = {
    "expected %s argument": ("%s valeur est attendue", "%s valeurs sont attendues"),
}


def _gettext(message: str) -> str:
    return _FRENCH.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    french = _FRENCH_PLURAL.get(singular)
    if french is None:
        return singular if n == 1 else plural
    return french[0] if n == 1 else french[1]


@contextlib.contextmanager
def _in_french() -> Iterator[None]:
    """Swap argparse's gettext for the French table while argparse runs (re-entrant)."""
    saved = (getattr(argparse, "_"), getattr(argparse, "ngettext"))  # noqa: B009
    setattr(argparse, "_", _gettext)  # noqa: B010
    setattr(argparse, "ngettext", _ngettext)  # noqa: B010
    try:
        yield
    finally:
        setattr(argparse, "_", saved[0])  # noqa: B010
        setattr(argparse, "ngettext", saved[1])  # noqa: B010


_NUMBER_HINTS: dict[Any, str] = {
    int: "un nombre entier est attendu",
    float: "un nombre est attendu",
    decimal.Decimal: "un nombre est attendu (ex. 12.5)",
}


class _FrenchHelpFormatter(argparse.HelpFormatter):
    """Help texts wrapped as French reads them: a line never ends on the hyphen of « en-tête »
    or « Exportez-le », nor breaks after « or before » : ; ! ?."""

    def _wrap(self, text: str, width: int) -> list[str]:
        import textwrap

        text = self._whitespace_matcher.sub(" ", text).strip()
        lines = textwrap.wrap(french_spaces(text), width, break_on_hyphens=False)
        return [line.replace("\u00a0", " ") for line in lines]

    def _split_lines(self, text: str, width: int) -> list[str]:
        return self._wrap(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in self._wrap(text, width - len(indent)))


class FrenchArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose texts and errors are in French; errors exit with status 2."""

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        """A value outside the choices is named in French quotes, the choices without any:
        « choix invalide : « data » (possibles : members, category, …) », not Python's 'data'."""
        if action.choices is not None and value not in action.choices:
            choices = ", ".join(map(str, action.choices))
            raise argparse.ArgumentError(action, f"choix invalide : « {value} » (possibles : {choices})")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _FrenchHelpFormatter)
        with _in_french():
            super().__init__(*args, **kwargs)
        # The deepest parser reached wins, so a handler-less command can report its own usage.
        self.set_defaults(_parser=self)

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        with _in_french():
            return super().add_argument(*args, **kwargs)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        with _in_french():
            return super().parse_known_args(args, namespace)

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        with _in_french():
            return super().parse_args(args, namespace)

    def format_usage(self) -> str:
        with _in_french():
            return super().format_usage()

    def format_help(self) -> str:
        with _in_french():
            return super().format_help()

    def add_subparsers(self, **kwargs: Any) -> Any:
        kwargs.setdefault("title", "commandes ")
        kwargs.setdefault("parser_class", _CommandParser)
        with _in_french():
            return super().add_subparsers(**kwargs)

    def _get_value(self, action: argparse.Action, arg_string: str) -> Any:
        type_func = self._registry_get("type", action.type, action.type)
        hint = _NUMBER_HINTS.get(type_func)
        try:
            return super()._get_value(action, arg_string)
        except (argparse.ArgumentError, decimal.InvalidOperation):
            if hint is None:
                raise
            raise argparse.ArgumentError(action, f"{hint}, reçu « {shown(arg_string)} »") from None

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{PROG} : erreur : {message}\n")


class _CommandParser(FrenchArgumentParser):
    """Parser of a sub-command: also accepts ``--db`` after the command name."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_argument("--db", metavar="CHEMIN", default=argparse.SUPPRESS, help=_DB_HELP)


def build_parser(
    *, load_commands: bool = True, services_factory: ServicesFactory | None = None
) -> FrenchArgumentParser:
    """The ``comptoir`` parser; with ``load_commands`` the sub-commands are registered."""
    parser = FrenchArgumentParser(
        prog=PROG,
        description=(
            "Comptoir : offres et budgets iMio, hors ligne. "
            "Sans commande, lance l'application ; avec une commande, l'exécute et quitte."
        ),
        epilog="Aide d'une commande : comptoir COMMANDE --help",
    )
    parser.add_argument("--db", metavar="CHEMIN", default=None, help=_DB_HELP)
    parser.add_argument(
        "--check-startup",
        action="store_true",
        help=(
            "démarre l'application, attend qu'elle soit prête puis quitte "
            "(code 0 si aucun avertissement ni erreur)"
        ),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"{PROG} {__version__}",
        help="afficher la version et quitter",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMANDE")
    if load_commands:
        factory = services_factory or default_services_factory
        for name in COMMAND_MODULES:
            module = _import_command_module(name)
            if module is not None:
                module.register(subparsers, factory)
    return parser


def _import_command_module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name != name:
            raise  # the module exists but something it imports is missing: a real error
        log.debug("Module de commandes absent : %s", name)
        return None


def wants_cli(argv: Sequence[str]) -> bool:
    """True when the arguments name a command (or ask for help/version) rather than the GUI."""
    skip_value = False
    for token in argv:
        if skip_value:
            skip_value = False
        elif token in ("-h", "--help", "--version"):
            return True
        elif token == "--db":
            skip_value = True
        elif token == "--" or not token.startswith("-"):
            return True
    return False


# --------------------------------------------------------------------------- services


class Services:
    """What a command needs, built on first use from ``--db`` / ``COMPTOIR_DB``.

    The store modules are imported here, lazily, so that ``comptoir --help`` stays instant
    and a command that needs no database never opens one.
    """

    def __init__(self, db_arg: str | None = None) -> None:
        self._db_arg = db_arg
        self._db_path: Path | None = None
        self._db: Any = None
        self._tariffs: dict[str | None, Any] = {}

    @property
    def db_path(self) -> Path:
        if self._db_path is None:
            from desktop.store.database import resolve_db_path

            self._db_path = resolve_db_path(self._db_arg)
        return self._db_path

    @property
    def db(self) -> Any:
        """The open ``desktop.store.database.Database`` (created and seeded if needed)."""
        if self._db is None:
            from desktop.store.database import open_database
            from desktop.store.faults import DatabaseReadOnly

            created = not self.db_path.exists()
            try:
                self._db = open_database(self.db_path)
            except DatabaseReadOnly:
                if created:
                    raise
                # a write-protected key: what only reads still works, a write says why not
                from desktop.store.database import open_read_only

                self._db = open_read_only(self.db_path)
                sys.stderr.write(
                    f"Attention : {self.db_path} est en lecture seule ; consultation seulement.\n"
                )
            if created:  # a mistyped --db must not pass for an empty database
                sys.stderr.write(f"Nouvelle base de données créée : {self.db_path}\n")
            requoted = getattr(self._db, "requoted", None)
            if requoted is not None and requoted.after_update():
                sys.stderr.write(f"Attention : {requoted.after_update()}\n")
        return self._db

    def tariff(self, code: str | None = None) -> Any:
        """The tariff ``code`` (``None``: the one in force today), loaded once."""
        if code not in self._tariffs:
            from desktop.store.catalogue_repo import load_tariff

            self._tariffs[code] = load_tariff(self.db, code)
        return self._tariffs[code]

    @property
    def members(self) -> Any:
        from desktop.store.members_repo import MemberRepository

        return MemberRepository(self.db)

    @property
    def settings(self) -> Any:
        from desktop.store.settings_repo import SettingsRepository

        return SettingsRepository(self.db)

    def close(self) -> None:
        if self._db is not None:
            db, self._db = self._db, None
            db.close()

    def __enter__(self) -> Services:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def default_services_factory(args: argparse.Namespace) -> Services:
    return Services(getattr(args, "db", None))


# --------------------------------------------------------------------------- output helpers


def _json_default(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    raise TypeError(f"{type(value).__name__} n'est pas sérialisable en JSON")


def to_json(obj: Any, *, ascii_only: bool = False) -> str:
    """JSON as the commands print it: UTF-8 text, indent 2, Decimal as "8062.00"."""
    return json.dumps(obj, ensure_ascii=ascii_only, indent=2, default=_json_default)


def _read_in_a_code_page(out: IO[str]) -> bool:
    """Windows PowerShell decodes what a program writes on a pipe in the console's code page
    (cp850 on a Belgian laptop), not in UTF-8: « Liège » came out « Li├¿ge » from
    ``comptoir members search liege --json | ConvertFrom-Json``. A console shows UTF-8."""
    if sys.platform != "win32":
        return False
    try:
        return not out.isatty()
    except (AttributeError, ValueError, OSError):
        return True


def emit_json(obj: Any, stream: IO[str] | None = None) -> None:
    """Print ``obj`` as JSON on stdout (or ``stream``); on a Windows pipe or file, every
    character beyond ASCII as its JSON escape (``\\u00e8``), which each reader decodes."""
    out = stream if stream is not None else sys.stdout
    out.write(to_json(obj, ascii_only=_read_in_a_code_page(out)) + "\n")


def print_error(message: str) -> None:
    """A French message for the user on stderr, in the dispatcher's format."""
    sys.stderr.write(f"{PROG} : erreur : {message}\n")


# --------------------------------------------------------------------------- error contract


def exit_code(stop: SystemExit) -> int:
    code = stop.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    sys.stderr.write(f"{code}\n")
    return 1


def report_errors(body: Callable[[], int], log_path: Path | None) -> int:
    """Run ``body`` under the error contract and return the process exit status."""
    where = str(log_path) if log_path else "le journal de l'application"
    try:
        return body()
    except SystemExit as stop:
        return exit_code(stop)
    except ComptoirError as error:
        log.info("Refusé (%s) : %s", type(error).__name__, error)
        print_error(str(error))
        if isinstance(error, Ambiguous):
            missing = [c for c in error.candidates if c not in str(error)]
            for candidate in missing:
                sys.stderr.write(f"  - {candidate}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("Interrompu.\n")
        return 130
    except BrokenPipeError:
        # The reader went away (``comptoir ... | head``): nothing left to tell anyone.
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return 1
    except ModuleNotFoundError as error:
        log.exception("Module introuvable")
        if (error.name or "").startswith("desktop."):
            sys.stderr.write(
                f"Installation incomplète : le module {error.name} est introuvable ; "
                f"détails dans {where}\n"
            )
        else:
            sys.stderr.write(f"Erreur inattendue ; détails dans {where}\n")
        return 1
    except Exception:
        log.exception("Erreur inattendue")
        sys.stderr.write(f"Erreur inattendue ; détails dans {where}\n")
        return 1


def _check_utf8(arguments: Sequence[str]) -> None:
    """A terminal or a script in Latin-1 or Windows-1252 hands Python bytes it cannot read as
    UTF-8 (« caf\\xe9 »): saved or searched, such a text would fail far from where it was typed."""
    for argument in arguments:
        try:
            argument.encode("utf-8")
        except UnicodeEncodeError:
            readable = os.fsencode(argument).decode("utf-8", "backslashreplace")
            raise InvalidInput(
                f"« {shown(readable)} » n'est pas écrit en UTF-8 (terminal ou script en Latin-1 ou "
                "Windows-1252 ?) : passez le terminal ou le script en UTF-8 et relancez la commande."
            ) from None


def _utf8_streams() -> None:
    """Accents and € survive a redirected stdout on Windows (cp1252 by default)."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and encoding != "utf8":
            with contextlib.suppress(Exception):
                reconfigure(encoding="utf-8")


# --------------------------------------------------------------------------- entry point


def run(argv: Sequence[str] | None = None, services_factory: ServicesFactory | None = None) -> int:
    """Run one command line (without the program name) and return its exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    _utf8_streams()
    log_path = configure_logging()
    opened: list[Services] = []
    make = services_factory or default_services_factory

    def factory(args: argparse.Namespace) -> Services:
        if not opened:
            opened.append(make(args))
        return opened[0]

    def body() -> int:
        _check_utf8(arguments)
        parser = build_parser(load_commands=True, services_factory=factory)
        args = parser.parse_args(arguments)
        log.info("Commande : %s", " ".join(arguments))
        handler: Handler | None = getattr(args, "handler", None)
        if args.command is None:
            parser.error("indiquez une commande (liste : comptoir --help)")
        if handler is None:
            command_parser: FrenchArgumentParser = args._parser
            command_parser.error("commande incomplète (aide : ajoutez --help)")
        try:
            status = handler(args)
        finally:
            for services in opened:
                services.close()
        return int(status or 0)

    return report_errors(body, log_path)
