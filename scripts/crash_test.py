#!/usr/bin/env python3
"""Crash test of the offer store: a writer killed with SIGKILL at random moments.

A writer process saves drafts (new ones and edits), finalises some (number + frozen PDF in
one transaction) and moves some along the lifecycle. After each call returns, it appends one
line to a log file and fsyncs it: those are the writes the user was told are done. The parent
kills the writer with SIGKILL after a random delay, ``--runs`` times (default 200), and after
each kill checks the database:

- ``PRAGMA integrity_check`` is ``ok``;
- every logged draft is present, with at least the logged version of its content;
- every logged finalisation is present with its number, and its PDF matches its SHA-256;
- numbers of this device are contiguous (no gap, no duplicate);
- every logged state is the stored one or an earlier step of it.

Usage: python scripts/crash_test.py [--runs 200] [--seed 1] [--keep DIR]
Prints the figures at the end; exit status 0 when every check passed.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

D = Decimal


# --------------------------------------------------------------------------- writer side


class _Settings:
    device_code = "CRASH"
    validity_days = 90
    seller_name = "Test de plantage"
    seller_initials = "TP"


class _Pricer:
    def active_tariff(self, tariff: str, today: date) -> str:
        return tariff

    def tariff_info(self, tariff: str) -> dict[str, str]:
        return {"code": tariff}

    def current_member(self, member):  # type: ignore[no-untyped-def]
        return member

    def price(self, request, member):  # type: ignore[no-untyped-def]
        raise NotImplementedError


def _draft(rng: random.Random):  # type: ignore[no-untyped-def]
    from desktop.core.categories import CategoryDecision
    from desktop.core.members import Headcount, Member, MemberKind
    from desktop.core.offers import Offer
    from desktop.core.quote import LineRequest, LineStatus, Quote, QuoteLine, QuoteRequest, Totals

    n = rng.randint(1, 12)
    lines = tuple(
        QuoteLine(
            product=f"p{i}",
            name=f"Produit {i}",
            family="gouvernance",
            params={"quantity": D(rng.randint(1, 9))},
            one_time=D(rng.randint(1, 20) * 906),
            annual=D(rng.randint(100, 9000)),
            setup_days=D(rng.randint(1, 20)),
            status=LineStatus.PRICED,
        )
        for i in range(n)
    )
    one = sum((x.one_time or D(0) for x in lines), D(0))
    ann = sum((x.annual or D(0) for x in lines), D(0))
    member = Member(
        id=f"commune:{rng.randint(10000, 99999)}",
        kind=MemberKind.COMMUNE,
        name="Commune " + "".join(rng.choice("abcdefghij") for _ in range(8)),
        reference_size=Headcount(rng.randint(1000, 200000), date(2024, 1, 1), "Statbel"),
    )
    decision = CategoryDecision("Cat 3", "Cat 3", ("Commune : -> Cat 3",))
    totals = Totals(one, ann, one + ann, (one + ann, ann, ann), False, D("0.02"))
    request = QuoteRequest(
        "imio-2024", tuple(LineRequest(x.product, dict(x.params)) for x in lines)
    )
    quote = Quote("imio-2024", member, decision, lines, totals)
    return Offer.new_draft(request, member, decision, quote, seller="TP")


def _pdf(offer) -> bytes:  # type: ignore[no-untyped-def]
    body = os.urandom(random.randint(2_000, 60_000))  # a PDF-sized payload
    return b"%PDF-1.4\n% " + (offer.number or "").encode() + b"\n" + body + b"\n%%EOF\n"


def writer(db_path: Path, log_path: Path, seed: int) -> None:
    """Write forever; log each completed call (fsync) so the parent knows what returned."""
    from desktop.core.offers import OfferState
    from desktop.store.database import open_database
    from desktop.store.offers_repo import OfferRepository

    rng = random.Random(seed)
    db = open_database(db_path, seed=False)
    repo = OfferRepository(db, settings=_Settings, pricer=_Pricer(), who="crash")
    fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def log(line: str) -> None:
        os.write(fd, (line + "\n").encode())
        os.fsync(fd)

    def begin(op: str) -> None:
        # no fsync: only tells the parent a call was under way when the kill came
        os.write(fd, f"begin {op}\n".encode())

    sys.stdout.write("ready\n")
    sys.stdout.flush()

    drafts: list = []
    finals: list[str] = []
    while True:
        r = rng.random()
        if r < 0.45 or not drafts:
            begin("new")
            d = repo.save_draft(_draft(rng))
            drafts.append(d)
            log(f"draft {d.id} {d.note or '-'}")
        elif r < 0.75:
            i = rng.randrange(len(drafts))
            begin("edit")
            d = repo.save_draft(replace(drafts[i], note=f"edit{rng.randint(0, 10**9)}"))
            drafts[i] = d
            log(f"draft {d.id} {d.note}")
        elif r < 0.93:
            d = drafts.pop(rng.randrange(len(drafts)))
            begin("finalise")
            f = repo.finalise(d.id, _pdf)
            finals.append(f.number)
            log(f"final {f.id} {f.number} {f.pdf_sha256}")
        elif finals:
            number = rng.choice(finals)
            current = repo.get(number).state
            target = {
                OfferState.FINALISEE: OfferState.ENVOYEE,
                OfferState.ENVOYEE: rng.choice([OfferState.ACCEPTEE, OfferState.REFUSEE]),
                OfferState.ACCEPTEE: OfferState.CONVERTIE,
            }.get(current)
            if target is not None:
                begin("state")
                repo.set_state(number, target, "motif de test")
                log(f"state {number} {target.value}")


# --------------------------------------------------------------------------- checker side


def _acks(log_path: Path) -> int:
    return sum(1 for p in _complete_lines(log_path) if p[0] != "begin")


def after_any(log_path: Path) -> bool:
    return log_path.exists() and log_path.stat().st_size > 0


def _complete_lines(log_path: Path) -> list[list[str]]:
    if not log_path.exists():
        return []
    text = log_path.read_bytes().decode("utf-8", "replace")
    lines = text.split("\n")[:-1]  # the last piece has no newline if the kill cut it
    return [ln.split(" ") for ln in lines if ln]


def check(db_path: Path, log_path: Path) -> dict[str, int]:
    import sqlite3

    from desktop.core.offers import OfferNumber, OfferState
    from desktop.store.bundles import _reachable
    from desktop.store.offer_codec import sha256_hex

    problems: Counter[str] = Counter()
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        if conn.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
            problems["integrity"] += 1
        rows = {
            r[0]: r[1:]
            for r in conn.execute("SELECT id, state, number, note, pdf, pdf_sha256 FROM offers")
        }
        notes: dict[str, list[str]] = {}  # every logged content version of each draft
        finals: dict[str, tuple[str, str]] = {}
        states: dict[str, str] = {}
        for parts in _complete_lines(log_path):
            kind = parts[0]
            if kind == "draft":
                notes.setdefault(parts[1], []).append("" if parts[2] == "-" else parts[2])
            elif kind == "final":
                finals[parts[1]] = (parts[2], parts[3])
            elif kind == "state":
                states[parts[1]] = parts[2]
        for oid, versions in notes.items():
            if oid not in rows:
                problems["missing_draft"] += 1
                continue
            stored = rows[oid][2]
            # The stored content is the last logged one, or a newer one whose call was cut
            # before it could be logged; an older logged one would be a lost write.
            if stored != versions[-1] and stored in versions[:-1]:
                problems["stale_draft"] += 1
        by_number = {r[1]: (oid, r) for oid, r in rows.items() if r[1]}
        for oid, (number, sha) in finals.items():
            r = rows.get(oid)
            if r is None or r[1] != number:
                problems["missing_final"] += 1
            elif r[3] is None or sha256_hex(bytes(r[3])) != sha or r[4] != sha:
                problems["bad_pdf"] += 1
        seqs = sorted(OfferNumber.parse(n).seq for n in by_number)
        if seqs != list(range(1, len(seqs) + 1)):
            problems["gap_or_duplicate"] += 1
        for number, logged in states.items():
            if number not in by_number:
                problems["missing_state"] += 1
                continue
            stored = OfferState(by_number[number][1][0])
            target = OfferState(logged)
            if stored is not target and stored not in _reachable(target):
                problems["lost_state"] += 1
        counts = {
            "offers": len(rows),
            "finalised": len(by_number),
            "logged_drafts": len(notes),
            "logged_finals": len(finals),
            "logged_states": len(states),
        }
    finally:
        conn.close()
    return {**counts, **{f"problem_{k}": v for k, v in problems.items()}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--min-ms", type=int, default=0)
    parser.add_argument("--max-ms", type=int, default=400)
    parser.add_argument("--keep", type=Path, default=None, help="folder to keep the database in")
    parser.add_argument("--writer", nargs=3, metavar=("DB", "LOG", "SEED"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.writer:
        writer(Path(args.writer[0]), Path(args.writer[1]), int(args.writer[2]))
        return 0

    from desktop.store.database import open_database

    folder = args.keep or Path(tempfile.mkdtemp(prefix="comptoir-crash-"))
    folder.mkdir(parents=True, exist_ok=True)
    db_path = folder / "crash.sqlite3"
    log_path = folder / "writes.log"
    for p in (db_path, log_path):
        p.unlink(missing_ok=True)
    open_database(db_path, seed=False).close()
    rng = random.Random(args.seed)
    totals: Counter[str] = Counter()
    failures = 0
    killed_early = 0
    started = time.perf_counter()
    last: dict[str, int] = {}
    for run in range(1, args.runs + 1):
        before = _acks(log_path)
        proc = subprocess.Popen(
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--writer",
                str(db_path),
                str(log_path),
                str(args.seed * 100_000 + run),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        if rng.random() < 0.15:
            # kill while the writer starts: opening, WAL recovery, first transaction
            time.sleep(rng.uniform(0, 0.4))
        else:
            assert proc.stdout is not None
            proc.stdout.readline()  # "ready": the database is open
            time.sleep(rng.uniform(args.min_ms, args.max_ms) / 1000)
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            print(f"run {run}: the writer stopped by itself (status {proc.returncode})\n{err}")
            failures += 1
            continue
        proc.kill()  # SIGKILL; TerminateProcess on Windows: no clean-up either way
        proc.wait(30)
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()
        tail = _complete_lines(log_path)[-1:] if after_any(log_path) else []
        if tail and tail[0][0] == "begin":
            totals[f"killed_during_{tail[0][1]}"] += 1
        after = _acks(log_path)
        if after == before:
            killed_early += 1  # killed before its first logged write (start-up, first save)
        totals["writes_logged"] += after - before
        last = check(db_path, log_path)
        bad = {k: v for k, v in last.items() if k.startswith("problem_") and v}
        if bad:
            failures += 1
            print(f"run {run}: {bad}")
        if run % 20 == 0:
            print(
                f"  {run} kills, {last['offers']} offers, {last['finalised']} finalised, 0 problem"
                if not failures
                else f"  {run} kills, {failures} failing runs"
            )
    elapsed = time.perf_counter() - started
    size = db_path.stat().st_size
    print()
    print("Crash test of the offer store (SIGKILL at random moments)")
    print(f"  kills                         : {args.runs}")
    print(f"  killed before the first write : {killed_early}")
    during = {
        k[len("killed_during_") :]: v for k, v in totals.items() if k.startswith("killed_during_")
    }
    print(
        f"  killed inside a call          : {sum(during.values())} {dict(sorted(during.items()))}"
    )
    print(f"  writes acknowledged (logged)  : {totals['writes_logged']}")
    print(f"    drafts saved (distinct)     : {last.get('logged_drafts', 0)}")
    print(f"    finalisations               : {last.get('logged_finals', 0)}")
    print(f"    state changes (distinct)    : {last.get('logged_states', 0)}")
    print(
        f"  offers in the database        : {last.get('offers', 0)} ({last.get('finalised', 0)} finalised)"
    )
    print(f"  database size                 : {size / 1e6:.1f} MB")
    print(f"  runs with a problem           : {failures}")
    verdict = "oui" if failures == 0 else "NON"
    print(f"  all checks passed after every kill : {verdict}")
    print(f"  elapsed                       : {elapsed:.0f} s ({folder})")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
