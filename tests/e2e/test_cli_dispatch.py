"""The command-line dispatcher: French argparse, exit statuses, error contract, JSON output."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from cli_results import ok, refused

from desktop import cli

ENGLISH = ("usage:", "error:", "show this help", "invalid choice", "the following arguments")


def _assert_french_error(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 2, result.stderr
    assert "comptoir : erreur : " in result.stderr
    assert "Traceback" not in result.stderr
    for english in ENGLISH:
        assert english not in result.stderr


# --------------------------------------------------------------------------- real process


def test_unknown_command_exits_2_in_french(run_comptoir) -> None:
    result = run_comptoir("frobnicate")
    _assert_french_error(result)
    assert "choix invalide : « frobnicate » (possibles : members, " in result.stderr
    assert result.stdout == ""


def test_a_value_refused_by_the_parser_is_quoted_in_french(run_comptoir) -> None:
    """Python's own quotes (« 'data' », « 'members', 'category' ») read as code in French text."""
    result = run_comptoir("--version=3")
    _assert_french_error(result)
    assert "valeur en trop : « 3 »" in result.stderr
    assert "'" not in run_comptoir("data").stderr


def test_unknown_option_exits_2_in_french(run_comptoir) -> None:
    result = run_comptoir("--frobnicate")
    _assert_french_error(result)
    assert "arguments non reconnus : --frobnicate" in result.stderr


def test_missing_option_value_exits_2_in_french(run_comptoir) -> None:
    result = run_comptoir("--db")
    _assert_french_error(result)
    assert "argument --db : une valeur est attendue" in result.stderr


@pytest.mark.parametrize("args", [("--db", "", "offers", "list"), ("offers", "list", "--db="), ("--db", " ")])
def test_an_empty_db_path_is_refused_not_replaced_by_the_default(run_comptoir, db_path, args) -> None:
    result = run_comptoir(*args)
    _assert_french_error(result)
    assert "--db attend le chemin d'un fichier" in result.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="Windows hands Python its arguments as Unicode")
@pytest.mark.parametrize(
    "args",
    [
        ("members", "search", b"caf\xe9"),
        ("quote", "--kind", "commune", "--inhabitants", "10", "--product", "delib", "--save",
         "--note", b"r\xe9union"),
    ],
)
def test_text_typed_in_latin1_is_refused_in_french_without_a_traceback(
    run_comptoir, db_path, comptoir_env, args
) -> None:
    """A terminal or a script in Latin-1 passes bytes that are not UTF-8: the command says so
    (it used to print the log's own « Logging error » traceback, then fail with status 1)."""
    typed = [os.fsdecode(a) if isinstance(a, bytes) else a for a in args]
    result = run_comptoir(*typed, env={"LC_ALL": "C"})
    refused(result, "n'est pas écrit en UTF-8", "\\xe9")
    assert "Logging error" not in result.stderr
    assert "Logging error" not in (comptoir_env.log_dir / "comptoir.log").read_text(encoding="utf-8")
    assert ok(run_comptoir("offers", "list")) == "Aucune offre.\n"  # nothing was saved


def test_a_folder_given_as_the_database_is_said_to_be_a_folder(run_comptoir, tmp_path) -> None:
    """SQLite only said the file could not be opened, and to check that the folder exists."""
    for result in (
        run_comptoir("--db", tmp_path, "offers", "list"),
        run_comptoir("offers", "list", env={"COMPTOIR_DB": str(tmp_path)}),
    ):
        refused(result, f"{tmp_path} est un dossier", str(tmp_path / "comptoir.sqlite3"))


def test_a_database_created_by_a_command_is_said_so(run_comptoir, tmp_path) -> None:
    typo = tmp_path / "comptoir-typo.sqlite3"
    first = run_comptoir("--db", typo, "offers", "list")
    assert first.returncode == 0 and first.stdout.strip() == "Aucune offre."
    assert first.stderr == f"Nouvelle base de données créée : {typo}\n"  # not silently empty
    assert run_comptoir("--db", typo, "offers", "list").stderr == ""


def test_help_is_in_french_and_lists_the_commands(run_comptoir) -> None:
    result = run_comptoir("--help")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("usage : comptoir")
    assert "afficher cette aide et quitter" in out
    assert "--db CHEMIN" in out
    assert "--check-startup" in out
    for english in ENGLISH:
        assert english not in out
    parser = cli.build_parser()
    for command in _command_names(parser):
        assert command in out


def _command_names(parser: cli.FrenchArgumentParser) -> list[str]:
    import argparse

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return list(action.choices)
    return []


def test_help_of_every_command_is_in_french(run_comptoir) -> None:
    for command in _command_names(cli.build_parser()):
        result = run_comptoir(command, "--help")
        assert result.returncode == 0, (command, result.stderr)
        assert result.stdout.startswith(f"usage : comptoir {command}"), command
        assert "afficher cette aide et quitter" in result.stdout, command
        assert "show this help" not in result.stdout, command
        assert "\noptions :\n" in result.stdout, command  # French typography, as « usage : »
        assert not re.search(r"\S:\n", result.stdout), command


def _all_parsers(parser, path=()):  # type: ignore[no-untyped-def]
    import argparse

    yield " ".join(path), parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _all_parsers(child, (*path, name))


@pytest.mark.parametrize("columns", ["60", "80", "100", "132"])
def test_help_wraps_and_punctuates_as_french_reads(monkeypatch, columns) -> None:
    """A help line never ends on the hyphen of « en-tête » (« en- » / « tête »), never starts
    with » : ; ! ? nor ends with «, and an ellipsis is « … », as in « comptoir quote … »."""
    monkeypatch.setenv("COLUMNS", columns)
    for name, parser in _all_parsers(cli.build_parser()):
        text = parser.format_help()
        usage_end = text.index("\n\n")
        for line in text[usage_end:].splitlines():
            stripped = line.strip()
            assert not re.search(r"\w-$", stripped), (name, line)
            assert not re.match(r"[»:;!?]", stripped), (name, line)
            assert not stripped.endswith("«"), (name, line)
            assert not re.search(r"\S\.\.\.", stripped), (name, line)  # not argparse's « X ... »


def _leaf_parsers(parser, path=()):  # type: ignore[no-untyped-def]
    import argparse

    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield " ".join(path), parser
        return
    for name, child in subs[0].choices.items():
        yield from _leaf_parsers(child, (*path, name))


def test_every_command_takes_and_documents_db_after_its_name() -> None:
    """« comptoir quote --db CHEMIN … »: every command lists --db as an option in its help
    (sharing option objects between two commands once turned it into a bare positional)."""
    leaves = list(_leaf_parsers(cli.build_parser()))
    assert len(leaves) > 10
    for name, parser in leaves:
        assert "--db" in parser._option_string_actions, name
        assert not [a.dest for a in parser._actions if not a.option_strings and a.dest == "db"], name
        usage = parser.format_usage()
        assert "[--db CHEMIN]" in usage, (name, usage)


def test_every_help_line_gives_its_default_the_same_way() -> None:
    """« (défaut : 20) » everywhere: « (défaut 1) » and « défaut aujourd'hui » read otherwise."""
    lines = [
        (name, action.help)
        for name, parser in _leaf_parsers(cli.build_parser())
        for action in parser._actions
        if action.help and re.search(r"\bdéfaut\b", action.help) and "par défaut" not in action.help
    ]
    assert len(lines) >= 6
    assert [(name, text) for name, text in lines if "défaut : " not in text] == []


def test_version(run_comptoir) -> None:
    from desktop import __version__

    result = run_comptoir("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"comptoir {__version__}"


def test_console_script_is_the_same_program() -> None:
    script = shutil.which("comptoir", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip("the project is not installed in this environment (pip install -e .)")
    result = subprocess.run(
        [script, "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("comptoir ")


# --------------------------------------------------------------------------- in process

FAKE_COMMANDS = """
    from decimal import Decimal

    from desktop.cli import emit_json
    from desktop.core.errors import Ambiguous, InvalidInput


    def register(subparsers, services_factory):
        parser = subparsers.add_parser("essai", help="commande d'essai")
        actions = parser.add_subparsers(dest="action")

        show = actions.add_parser("montrer", help="affiche ses arguments")
        show.add_argument("nombre", type=int)
        show.add_argument("--montant", type=Decimal, default=Decimal("1.50"))
        show.set_defaults(handler=lambda args: emit_json({
            "nombre": args.nombre,
            "double": args.montant * 2,
            "db": str(services_factory(args).db_path),
            "nom": "Liège",
        }))

        def refuse(args):
            raise InvalidInput("Le nombre d'écoles doit être positif : indiquez 1 ou plus.")

        def hesitate(args):
            raise Ambiguous("« n » désigne plusieurs membres.", ["Namur", "Nivelles"])

        def crash(args):
            raise RuntimeError("détail interne")

        actions.add_parser("refuser").set_defaults(handler=refuse)
        actions.add_parser("hesiter").set_defaults(handler=hesitate)
        actions.add_parser("planter").set_defaults(handler=crash)
        actions.add_parser("statut").set_defaults(handler=lambda args: 3)
"""


class FakeServices(cli.Services):
    @property
    def db_path(self) -> Path:
        return Path(self._db_arg or "défaut.db")


@pytest.fixture
def fake_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    name = f"fake_commands_{tmp_path.name.replace('-', '_')}"
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(FAKE_COMMANDS), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(cli, "COMMAND_MODULES", [*cli.COMMAND_MODULES, name])
    return name


def _run(*argv: str) -> int:
    return cli.run(list(argv), services_factory=lambda args: FakeServices(args.db))


def test_a_command_prints_json_with_decimal_strings_and_accents(fake_commands, capsys, monkeypatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")  # read as UTF-8 wherever it goes
    assert _run("essai", "montrer", "4", "--montant", "2.25") == 0
    out = capsys.readouterr().out
    assert json.loads(out) == {"nombre": 4, "double": "4.50", "db": "défaut.db", "nom": "Liège"}
    assert "Liège" in out  # not \u00e8
    assert out.startswith('{\n  "nombre"')  # indent 2


def test_json_piped_on_windows_reads_the_same_in_the_consoles_code_page(
    fake_commands, capsys, monkeypatch
) -> None:
    """Windows PowerShell decodes a program's pipe in the console's code page (cp850): the
    JSON of « ... --json | ConvertFrom-Json » gave « Li├¿ge » and « d├®faut.db ». Escaped,
    every character beyond ASCII reads the same in any code page; a console keeps them."""
    import io

    monkeypatch.setattr(sys, "platform", "win32")
    assert _run("essai", "montrer", "4", "--montant", "2.25") == 0
    out = capsys.readouterr().out
    as_powershell_reads_it = out.encode("utf-8").decode("cp850")
    assert json.loads(as_powershell_reads_it) == {"nombre": 4, "double": "4.50", "db": "défaut.db", "nom": "Liège"}

    class Console(io.StringIO):
        def isatty(self) -> bool:
            return True

    console = Console()
    cli.emit_json({"nom": "Liège"}, console)
    assert "Liège" in console.getvalue()


@pytest.mark.parametrize(
    "argv",
    [
        ("--db", "avant.db", "essai", "montrer", "1"),
        ("essai", "montrer", "1", "--db", "avant.db"),
        ("essai", "--db", "avant.db", "montrer", "1"),
    ],
)
def test_db_option_is_accepted_before_or_after_the_command(fake_commands, capsys, argv) -> None:
    assert _run(*argv) == 0
    assert json.loads(capsys.readouterr().out)["db"] == "avant.db"


def test_typed_error_exits_2_with_its_french_message(fake_commands, capsys) -> None:
    assert _run("essai", "refuser") == 2
    captured = capsys.readouterr()
    assert captured.err == (
        "comptoir : erreur : Le nombre d'écoles doit être positif : indiquez 1 ou plus.\n"
    )
    assert captured.out == ""


def test_ambiguous_lists_the_candidates(fake_commands, capsys) -> None:
    assert _run("essai", "hesiter") == 2
    err = capsys.readouterr().err
    assert "« n » désigne plusieurs membres." in err
    assert "  - Namur\n" in err
    assert "  - Nivelles\n" in err


def test_unexpected_error_exits_1_and_keeps_the_traceback_in_the_log(
    fake_commands, capsys, comptoir_env
) -> None:
    assert _run("essai", "planter") == 1
    err = capsys.readouterr().err
    log_file = comptoir_env.log_dir / "comptoir.log"
    assert err == f"Erreur inattendue ; détails dans {log_file}\n"
    assert "Traceback" not in err
    logged = log_file.read_text(encoding="utf-8")
    assert "Traceback" in logged
    assert "RuntimeError: détail interne" in logged


def test_handler_status_is_the_exit_status(fake_commands) -> None:
    assert _run("essai", "statut") == 3


def test_bad_number_is_explained_in_french(fake_commands, capsys) -> None:
    assert _run("essai", "montrer", "beaucoup") == 2
    err = capsys.readouterr().err
    assert "argument nombre : un nombre entier est attendu, reçu « beaucoup »" in err
    assert _run("essai", "montrer", "1", "--montant", "abc") == 2
    assert "argument --montant : un nombre est attendu" in capsys.readouterr().err


def test_missing_argument_and_incomplete_command(fake_commands, capsys) -> None:
    assert _run("essai", "montrer") == 2
    assert "arguments obligatoires manquants : nombre" in capsys.readouterr().err
    assert _run("essai") == 2
    err = capsys.readouterr().err
    assert err.startswith("usage : comptoir essai")
    assert "comptoir : erreur : commande incomplète" in err


def test_a_command_module_that_does_not_exist_is_skipped(monkeypatch, capsys) -> None:
    monkeypatch.setattr(cli, "COMMAND_MODULES", ["desktop.cli.n_existe_pas"])
    assert cli.run(["--help"]) == 0
    assert "usage : comptoir" in capsys.readouterr().out


def test_a_command_module_that_fails_to_import_is_an_error(tmp_path, monkeypatch, capsys) -> None:
    (tmp_path / "broken_commands.py").write_text("import module_absent_xyz\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(cli, "COMMAND_MODULES", ["broken_commands"])
    assert cli.run(["--help"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Erreur inattendue ; détails dans ")
    assert "Traceback" not in err


def test_emit_json_formats() -> None:
    import io
    from datetime import date

    stream = io.StringIO()
    cli.emit_json({"montant": Decimal("1E+3"), "le": date(2026, 1, 2), "ok": None}, stream)
    assert json.loads(stream.getvalue()) == {"montant": "1000", "le": "2026-01-02", "ok": None}


@pytest.mark.parametrize(
    ("argv", "cli_wanted"),
    [
        ([], False),
        (["--db", "x.db"], False),
        (["--db=x.db", "--check-startup"], False),
        (["--db", "members"], False),  # "members" is the value of --db
        (["members", "search", "liege"], True),
        (["--db", "x.db", "quote"], True),
        (["--help"], True),
        (["--version"], True),
    ],
)
def test_gui_or_command_line(argv, cli_wanted) -> None:
    assert cli.wants_cli(argv) is cli_wanted


@pytest.mark.parametrize(
    "argv",
    [
        ["members", "show", "{long}"],
        ["members", "search", "{long}"],
        ["offers", "show", "{long}"],
        ["offers", "list", "--state", "{long}"],
        ["quote", "--member", "namur", "--product", "{long}"],
        ["settings", "set", "{long}"],
        ["settings", "set", "{long}=1"],
    ],
)
def test_a_pasted_page_is_not_printed_back(argv, db_path, capsys) -> None:
    pasted = "page collée " * 400  # 4 800 characters
    cli.run(["--db", str(db_path), *(a.replace("{long}", pasted) for a in argv)])
    out, err = capsys.readouterr()
    said = out + err
    assert "page collée" in said  # the value is named ...
    assert len(said) < 800, said  # ... but cut, not printed back whole


@pytest.mark.parametrize(
    "argv",
    [
        ["members", "show", "{long}"],  # names several members: « … désigne plusieurs membres »
        ["category", "--member", "{long}"],
        ["quote", "--member", "namur", "--product", "delib", "--param", "{long}"],
    ],
)
def test_a_pasted_page_naming_a_member_is_not_printed_back(argv, db_path, capsys) -> None:
    pasted = "Nivelles " * 500
    cli.run(["--db", str(db_path), *(a.replace("{long}", pasted) for a in argv)])
    out, err = capsys.readouterr()
    said = out + err
    assert "Nivelles" in said
    assert len(said) < 1200, said

