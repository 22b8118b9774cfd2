"""What a test of the command line checks of a finished ``comptoir`` process: status 0 and its
output, or status 2 with a French message and nothing of English or of a traceback."""

from __future__ import annotations

import re
import subprocess

# words of argparse, Python or SQLite that must never reach the user (« invalide » is French)
ENGLISH = ("usage:", "error:", "invalid", "required", "Traceback", "database", "disk image")


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, (result.stdout, result.stderr)
    return result.stdout


def refused(result: subprocess.CompletedProcess[str], *fragments: str) -> str:
    """The stderr of a command refused with status 2, which says each of ``fragments``."""
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "comptoir : erreur : " in result.stderr
    for english in ENGLISH:
        assert not re.search(rf"\b{re.escape(english)}(?!e)", result.stderr), result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
    return result.stderr
