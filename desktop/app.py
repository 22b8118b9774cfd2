"""Composition root: ``comptoir`` starts the application, ``comptoir <commande>`` runs the CLI.

Kept thin so the window appears quickly: Qt is imported only once we know a window is wanted,
and reportlab and babel only when a document is rendered.
"""

from __future__ import annotations

import logging
import os
import platform
import sys
from collections.abc import Sequence

log = logging.getLogger(__name__)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``comptoir`` console script and of ``python -m desktop``."""
    _ensure_streams()
    from desktop import cli

    arguments = list(sys.argv[1:] if argv is None else argv)
    if cli.wants_cli(arguments):
        return cli.run(arguments)
    return _start_gui(arguments)


def _ensure_streams() -> None:
    """A windowed build on Windows has no stdout/stderr; error messages must not crash on it."""
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115


def _start_gui(arguments: list[str]) -> int:
    from desktop import __version__, cli
    from desktop.logging_setup import configure_logging

    parser = cli.build_parser(load_commands=False)
    try:
        args = parser.parse_args(arguments)
    except SystemExit as stop:
        return cli.exit_code(stop)

    log_path = configure_logging()
    log.info(
        "Comptoir %s, Python %s, %s%s",
        __version__,
        platform.python_version(),
        sys.platform,
        " (vérification du démarrage)" if args.check_startup else "",
    )

    def body() -> int:
        from desktop.store.database import resolve_db_path

        db_path = resolve_db_path(args.db)
        log.info("Base de données : %s", db_path)
        from desktop.ui.application import run_gui

        return int(run_gui(args, db_path) or 0)

    return cli.report_errors(body, log_path)
