"""Store figures: draft autosave on every edit, and the offers list.

Run with ``scripts/bench`` (or ``python tests/benchmarks/bench_store.py [--strict]``). Works on
a fresh temporary database seeded by the real store and priced by the real engine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench_core import open_seeded, thirty_lines  # noqa: E402

from desktop.core.categories import derive_category  # noqa: E402
from desktop.core.offers import Offer  # noqa: E402
from desktop.core.pricing import build_quote  # noqa: E402
from desktop.core.quote import QuoteRequest  # noqa: E402
from desktop.store.catalogue_repo import load_tariff  # noqa: E402
from desktop.store.members_repo import MemberRepository  # noqa: E402
from desktop.store.offers_repo import OfferFilter, OfferRepository  # noqa: E402


def timed(fn) -> float:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        db = open_seeded(Path(tmp) / "bench.sqlite3")
        tariff = load_tariff(db)
        members = MemberRepository(db)
        member = members.resolve("Nivelles")
        decision = derive_category(member, tariff.categories, members.lookup)
        request = QuoteRequest(tariff.code, thirty_lines(tariff))
        quote = build_quote(tariff, request, member, decision)
        repo = OfferRepository(db)
        draft = repo.save_draft(Offer.new_draft(request, member, decision, quote))
        samples = []
        for i in range(300):
            t0 = time.perf_counter()
            draft = repo.save_draft(replace(draft, note=str(i)))
            samples.append(time.perf_counter() - t0)
        samples.sort()
        median, p95 = statistics.median(samples), samples[int(len(samples) * 0.95)]
        good = median < 0.005
        ok &= good
        print(
            f"{'OK ' if good else 'LENT'} autosave d'un brouillon de 30 lignes (médiane)"
            f"      {median * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms   (cible < 5 ms)"
        )
        for _ in range(500):
            repo.save_draft(Offer.new_draft(request, member, decision, quote))
        t0 = time.perf_counter()
        rows = repo.list_offers()
        listed = time.perf_counter() - t0
        good = listed < 0.050  # the offers tab reads it on the window's thread
        ok &= good
        print(
            f"{'OK ' if good else 'LENT'} liste des offres ({len(rows)} offres, totaux en partie sur devis)"
            f"      {listed * 1000:.1f} ms   (cible < 50 ms)"
        )
        db.conn.execute("UPDATE offers SET coverage = NULL")  # offers of the version before
        t0 = time.perf_counter()
        repo.list_offers()
        print(f"     même liste, offres d'avant la colonne « coverage » (lue une fois) : "
              f"{(time.perf_counter() - t0) * 1000:.1f} ms, puis {timed(repo.list_offers) * 1000:.1f} ms")
        for text in ("nivelles", "jd"):  # a word of the offers; initials, read in the history
            t0 = time.perf_counter()
            found = repo.list_offers(OfferFilter(text=text, limit=500))
            took = time.perf_counter() - t0
            print(f"     recherche « {text} » ({len(found)} offres) : {took * 1000:.1f} ms")
        db.close()
        ok &= bench_member_edit(Path(tmp) / "membres.sqlite3")
    return 0 if ok or not args.strict else 1


def bench_member_edit(path: Path, drafts: int = 1000) -> bool:
    """A member edited in the window (its slot waits for it) with a year of drafts saved for
    other members: only the drafts of that member and of those that read it are priced again."""
    from desktop.core.quote import LineRequest
    from desktop.ui.backend import Backend, Draft

    open_seeded(path).close()
    backend = Backend.open(path)
    communes = [m for m in backend.index if m.kind.value == "commune"]
    lines = (LineRequest("delib", {}), LineRequest("docs", {}), LineRequest("urban", {}))
    for i in range(drafts):
        draft = Draft(member_id=communes[i % len(communes)].id, lines=lines)
        backend.save_draft(None, draft, backend.quote(draft))
    tubize = backend.index.search("tubize")[0]
    samples = []
    for i in range(20):
        edited = replace(backend.index.get(tubize.id), address=f"Grand-Place {i + 1}")
        samples.append(timed(lambda edited=edited: backend.save_member(edited)))
    backend.close()
    median = statistics.median(samples)
    good = median < 0.100
    print(
        f"{'OK ' if good else 'LENT'} modification d'un membre, {drafts} brouillons enregistrés (médiane)"
        f"      {median * 1000:.1f} ms, pire {max(samples) * 1000:.1f} ms   (cible < 100 ms)"
    )
    return good


if __name__ == "__main__":
    sys.exit(main())
