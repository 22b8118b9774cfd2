"""What changed between two offers, said with the catalogue's words."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.core.quote import LineRequest
from desktop.ui.backend import Backend, Draft


@pytest.fixture
def backend(db_path: Path) -> Iterator[Backend]:
    b = Backend.open(db_path)
    yield b
    b.close()


def _aes(backend: Backend, schools: int):  # type: ignore[no-untyped-def]
    member = backend.index.search("nivelles")[0]
    draft = Draft(member_id=member.id, lines=(LineRequest("aes", {"schools": Decimal(schools)}),))
    return backend.save_draft(None, draft, backend.quote(draft))


def test_a_parameter_changed_is_named_as_the_catalogue_names_it(backend: Backend) -> None:
    """Comparing two versions, or previewing a new calculation, read « schools 9 → 12 »: the
    engine's key, in English, where the offer itself prints « Nombre d’écoles »."""
    old, new = _aes(backend, 9), _aes(backend, 12)
    text = backend.offers.diff(old.id, new.id).descriptions()
    aes = next(t for t in text if t.startswith("Modifié : iA.AES"))
    assert "Nombre d’écoles : 9 → 12 ;" in aes
    assert "schools" not in aes
