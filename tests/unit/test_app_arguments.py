"""The GUI's own reading of plain command lines agrees with the command-line parser."""

from __future__ import annotations

import contextlib
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop import cli
from desktop.app import _plain_gui_arguments

TOKENS = ["--check-startup", "--db", "base.db", "--db=autre.db", "--db=", "-", "-x", "--check",
          "--d", "-h", "--version", "members", "--", "Liège.db"]


def _parsed(argv: list[str]) -> tuple[str | None, bool] | None:
    """(db, check_startup) as the full parser reads ``argv``; None when it refuses them."""
    parser = cli.build_parser(load_commands=False)
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        try:
            args = parser.parse_args(argv)
        except SystemExit:
            return None
    return args.db, args.check_startup


@settings(max_examples=600)
@given(st.lists(st.sampled_from(TOKENS), max_size=4))
def test_the_fast_path_reads_what_the_parser_reads(argv: list[str]) -> None:
    fast = _plain_gui_arguments(list(argv))
    if fast is None:
        return  # the parser decides, as before
    assert not cli.wants_cli(argv)
    assert _parsed(argv) == (fast.db, fast.check_startup)


def test_plain_gui_command_lines_skip_the_parser() -> None:
    for argv, db, check in (
        ([], None, False),
        (["--check-startup"], None, True),
        (["--db", "x.db", "--check-startup"], "x.db", True),
        (["--check-startup", "--db=x.db"], "x.db", True),
    ):
        fast = _plain_gui_arguments(argv)
        assert fast is not None and (fast.db, fast.check_startup) == (db, check)


def test_anything_else_goes_to_the_parser() -> None:
    for argv in (["--check"], ["--db"], ["--db", "--check-startup"], ["--db=x", "--db", "y"],
                 ["members", "search", "x"], ["-h"], ["--version"], ["--db="], ["--bogus"]):
        assert _plain_gui_arguments(argv) is None
