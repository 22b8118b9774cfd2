"""The Windows set-up scripts, read as Windows PowerShell 5.1 (Windows' own) runs them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
POWERSHELL = sorted(SCRIPTS.glob("*.ps1"))
# a native program's stderr redirected: « 2>$null », « 2>&1 », « 2> fichier »
STDERR_REDIRECT = re.compile(r"(?<![\w$])2>")
RELAXED = re.compile(r'^\s*\$ErrorActionPreference\s*=\s*"(Continue|SilentlyContinue)"', re.M)
FUNCTION = re.compile(r"^\s*function\s+[\w-]+", re.M)
# cmdlets whose -Path (the first argument) is a wildcard pattern: « C:\[iMio]\... » is not found
PATH_CMDLETS = re.compile(
    r"\b(Test-Path|Get-Content|Set-Content|Get-FileHash|Push-Location|Set-Location)\b(?!\s+-LiteralPath)"
    r"(?=\s+[-$(\"'])"
)


def _code(line: str) -> str:
    return line.split("#", 1)[0]


def test_there_are_powershell_scripts() -> None:
    assert {p.name for p in POWERSHELL} >= {"_bootstrap.ps1", "run.ps1", "test.ps1"}


@pytest.mark.parametrize("script", POWERSHELL, ids=lambda p: p.name)
def test_a_redirected_stderr_never_stops_the_script(script: Path) -> None:
    """Under « $ErrorActionPreference = "Stop" », Windows PowerShell 5.1 stops at the first line
    a native program writes on a redirected stderr: « py -3.13 » on a laptop with Python 3.11 only
    said « not installed » there and ended the set-up before 3.11 was tried. A probe sets
    « Continue » for its own function first."""
    text = script.read_text(encoding="utf-8")
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        if not STDERR_REDIRECT.search(_code(line)):
            continue
        before = "\n".join(lines[: number - 1])
        starts = [m.start() for m in FUNCTION.finditer(before)]
        assert starts, f"{script.name}:{number}: stderr redirected outside a function"
        body = before[starts[-1] :]
        assert RELAXED.search(body), (
            f"{script.name}:{number}: stderr redirected under « Stop » (Windows PowerShell 5.1 "
            "stops on its first line): set $ErrorActionPreference = \"Continue\" in the function"
        )


# a program started with the call operator: « & $Py ... », « & (Join-Path ...) ... »
NATIVE_CALL = re.compile(r"(?<![\w$])&\s*[$(]")
STOP = re.compile(r'^\s*\$ErrorActionPreference\s*=\s*"Stop"', re.M)


def _preference_at(lines: list[str], number: int) -> str:
    """What « Stop » or « Continue » holds at line ``number``: the function's own setting,
    else the last one of the script (or of the bootstrap it dot-sources)."""
    before = "\n".join(lines[: number - 1])
    starts = [m.start() for m in FUNCTION.finditer(before)]
    if starts and before[starts[-1] :].count("{") > before[starts[-1] :].count("}"):
        return "Continue" if RELAXED.search(before[starts[-1] :]) else "Stop"
    settings = [(m.start(), "Continue") for m in RELAXED.finditer(before)]
    settings += [(m.start(), "Stop") for m in STOP.finditer(before)]
    return max(settings)[1] if settings else "Stop"  # the bootstrap sets « Stop » first


@pytest.mark.parametrize("script", POWERSHELL, ids=lambda p: p.name)
def test_a_program_started_writes_on_stderr_without_stopping_the_script(script: Path) -> None:
    """« scripts\\run.ps1 offers finalize … 2> erreurs.txt », PowerShell ISE or a CI log
    redirect the stderr of every program the script starts: under « Stop », Windows PowerShell
    5.1 ended the script at the first French message or warning, with a PowerShell error and
    status 1 in place of Comptoir's message and status. Its status is read from $LASTEXITCODE."""
    lines = script.read_text(encoding="utf-8").splitlines()
    stopping = [
        f"{script.name}:{number}: {line.strip()}"
        for number, line in enumerate(lines, start=1)
        if NATIVE_CALL.search(_code(line)) and _preference_at(lines, number) != "Continue"
    ]
    assert stopping == []


@pytest.mark.parametrize("script", POWERSHELL, ids=lambda p: p.name)
def test_paths_are_taken_literally(script: Path) -> None:
    for number, line in enumerate(script.read_text(encoding="utf-8").splitlines(), start=1):
        found = PATH_CMDLETS.search(_code(line))
        assert found is None, f"{script.name}:{number}: {found.group(1)} without -LiteralPath"


def test_the_bootstrap_says_when_the_venv_no_longer_starts() -> None:
    """As scripts/_bootstrap.sh does: a .venv whose Python was uninstalled is named, not left to
    fail later inside pip."""
    text = (SCRIPTS / "_bootstrap.ps1").read_text(encoding="utf-8")
    assert "is broken" in text and "is broken" in (SCRIPTS / "_bootstrap.sh").read_text(encoding="utf-8")
