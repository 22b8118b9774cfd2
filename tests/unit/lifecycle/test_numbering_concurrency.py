"""Numbers under concurrency: two processes finalising at once never share or skip a number."""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path

from lifecycle_factories import FakePricer, FakeSettings, draft, finalise_worker, open_test_db

from desktop.core.offers import OfferNumber
from desktop.store.offers_repo import OfferRepository


def _drafts(path: Path, n: int) -> list[str]:
    db = open_test_db(path)
    repo = OfferRepository(db, settings=FakeSettings, pricer=FakePricer())
    ids = [repo.save_draft(draft()).id for _ in range(n)]
    db.close()
    return ids


def _run(path: Path, batches: list[list[str]], fail_every: int = 0) -> list[tuple[str, str | None]]:
    ctx = mp.get_context("spawn")
    start = ctx.Barrier(len(batches))  # every worker ready before any starts
    results = ctx.Queue()
    procs = [
        ctx.Process(target=finalise_worker, args=(str(path), ids, start, results, fail_every))
        for ids in batches
    ]
    for p in procs:
        p.start()
    out: list[tuple[str, str | None]] = []
    for _ in procs:
        out += results.get(timeout=120)
    for p in procs:
        p.join(30)
        assert p.exitcode == 0
    return out


def test_two_processes_finalising_at_once_get_different_contiguous_numbers(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    ids = _drafts(path, 40)
    got = _run(path, [ids[0::2], ids[1::2]])
    numbers = [n for _, n in got]
    assert None not in numbers
    assert len(set(numbers)) == 40
    seqs = sorted(OfferNumber.parse(n).seq for n in numbers if n)
    assert seqs == list(range(1, 41))
    db = open_test_db(path)
    rows = db.conn.execute("SELECT id, number FROM offers").fetchall()
    db.close()
    assert dict(rows) == dict(got)
    # the two writers really ran at the same time: their numbers interleave
    first = {OfferNumber.parse(n).seq for oid, n in got if n and oid in set(ids[0::2])}
    second = set(range(1, 41)) - first
    assert min(first) < max(second) and min(second) < max(first)


def test_failed_finalises_leave_no_gap_and_no_half_offer(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    ids = _drafts(path, 30)
    got = _run(path, [ids[0::2], ids[1::2]], fail_every=3)
    failed = [oid for oid, n in got if n is None]
    done = [n for _, n in got if n is not None]
    assert len(failed) == 10 and len(done) == 20
    assert sorted(OfferNumber.parse(n).seq for n in done) == list(range(1, 21))
    db = open_test_db(path)
    for oid in failed:
        state, number, pdf = db.conn.execute(
            "SELECT state, number, pdf FROM offers WHERE id = ?", (oid,)
        ).fetchone()
        assert (state, number, pdf) == ("brouillon", None, None)
    assert db.conn.execute(
        "SELECT count(*) FROM audit_log WHERE action = 'finalisation'"
    ).fetchone() == (20,)
    db.close()
