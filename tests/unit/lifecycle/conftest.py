"""Shared fixtures of the lifecycle tests; helpers live in lifecycle_factories (importable in
every pytest import mode thanks to the path insertion below)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

HERE = str(Path(__file__).parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from lifecycle_factories import Clock, FakePricer, FakeSettings, open_test_db  # noqa: E402

from desktop.store.database import Database  # noqa: E402
from desktop.store.offers_repo import OfferRepository  # noqa: E402


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


@pytest.fixture
def settings() -> FakeSettings:
    return FakeSettings()


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    d = open_test_db(tmp_path / "c.db")
    yield d
    d.close()


@pytest.fixture
def repo(db: Database, clock: Clock, settings: FakeSettings) -> OfferRepository:
    return OfferRepository(db, settings=lambda: settings, pricer=FakePricer(), clock=clock)
