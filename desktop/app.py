"""Composition root: ``comptoir`` starts the application, ``comptoir <commande>`` runs the CLI.

Kept thin so the window appears quickly: Qt is imported only once we know a window is wanted,
and reportlab and babel only when a document is rendered. The plain GUI command lines
(``comptoir``, ``--check-startup``, ``--db CHEMIN``) do not even load the command-line parser
(argparse, the sub-commands, JSON): anything else, including every error, goes through
``desktop.cli`` exactly as before.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence

log = logging.getLogger(__name__)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``comptoir`` console script and of ``python -m desktop``."""
    windowed = _ensure_streams()
    arguments = list(sys.argv[1:] if argv is None else argv)
    gui = _plain_gui_arguments(arguments)
    if gui is not None:
        return _start_gui(gui, windowed=windowed)
    from desktop import cli

    if cli.wants_cli(arguments):
        return cli.run(arguments)
    parser = cli.build_parser(load_commands=False)
    try:
        args = parser.parse_args(arguments)
    except SystemExit as stop:
        return cli.exit_code(stop)
    return _start_gui(_GuiArguments(db=args.db, check_startup=args.check_startup), windowed=windowed)


class _GuiArguments:
    """What the window needs from the command line (the same names as the parser's)."""

    def __init__(self, db: str | None = None, check_startup: bool = False) -> None:
        self.db = db
        self.check_startup = check_startup


def _plain_gui_arguments(arguments: list[str]) -> _GuiArguments | None:
    """``--check-startup`` and one ``--db CHEMIN`` (or ``--db=CHEMIN``), read without argparse;
    None for anything else (abbreviations, repeats, help, commands, errors): the parser decides.
    """
    found = _GuiArguments()
    seen: set[str] = set()
    rest = iter(arguments)
    for token in rest:
        if token == "--check-startup" and token not in seen:
            found.check_startup = True
        elif token == "--db" and token not in seen:
            value = next(rest, None)
            if value is None or value.startswith("-"):
                return None
            found.db = value
        elif token.startswith("--db=") and "--db" not in seen and len(token) > len("--db="):
            found.db, token = token[len("--db=") :], "--db"
        else:
            return None
        seen.add(token)
    return found


def _ensure_streams() -> bool:
    """A windowed build on Windows has no stdout/stderr; error messages must not crash on it.
    True when there was no stderr: nothing written there is ever seen."""
    windowed = sys.stderr is None
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    return windowed


def _start_gui(args: _GuiArguments, *, windowed: bool = False) -> int:
    """The window; ``windowed``: started without a terminal (the window's build on Windows),
    where a refusal must show in a window."""
    from desktop import __version__
    from desktop.logging_setup import configure_logging

    log_path = configure_logging()
    log.info(
        "Comptoir %s, Python %s, %s%s",
        __version__,
        "{}.{}.{}".format(*sys.version_info[:3]),
        sys.platform,
        " (vérification du démarrage)" if args.check_startup else "",
    )

    def body() -> int:
        from desktop.core.errors import InvalidInput
        from desktop.store.database import resolve_db_path

        try:
            db_path = resolve_db_path(args.db)
        except InvalidInput as error:
            if args.check_startup or not windowed:
                raise  # said on the terminal, as every other refusal
            from desktop.ui.application import refuse_start

            log.error("Ouverture impossible : %s", error)
            return refuse_start(str(error))
        log.info("Base de données : %s", db_path)
        from desktop.ui.application import run_gui

        return int(run_gui(args, db_path) or 0)

    try:
        return body()
    except BaseException as error:  # the command line's error contract, loaded only if needed
        from desktop import cli

        def again(failure: BaseException = error) -> int:
            raise failure

        return cli.report_errors(again, log_path)
