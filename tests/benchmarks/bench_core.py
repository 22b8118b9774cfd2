"""Core figures: pricing, category derivation, member search, a cold ``comptoir quote``.

Run with ``scripts/bench`` (or ``python tests/benchmarks/bench_core.py [--strict]``). Prints one
line per figure with its target; ``--strict`` exits 1 when a target is missed. Works on a fresh
temporary database seeded by the real store, so it measures the real catalogue and directory.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from desktop.core.categories import derive_category  # noqa: E402
from desktop.core.members import MemberKind  # noqa: E402
from desktop.core.pricing import build_quote, context_for  # noqa: E402
from desktop.core.quote import LineRequest, QuoteRequest  # noqa: E402

RESULTS: list[tuple[str, str, bool]] = []


def report(name: str, figure: str, ok: bool, target: str) -> None:
    RESULTS.append((name, figure, ok))
    print(f"{'OK ' if ok else 'LENT'} {name:<55} {figure:>22}   (cible {target})")


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.3f} ms"


# --------------------------------------------------------------------------- pricing


def thirty_lines(tariff) -> tuple[LineRequest, ...]:  # type: ignore[no-untyped-def]
    params = {
        "aes": {"schools": Decimal(9), "plans": Decimal(2)},
        "tech": {"users": Decimal(3)},
        "atal-cb-lecteur": {"readers": Decimal(4)},
        "stockage": {"gb": Decimal(45)},
        "deliberations-be": {"days": Decimal(2)},
        "deliberations": {"days": Decimal(2)},
    }
    lines = []
    codes = list(tariff.products)
    for i in range(30):
        code = codes[i % len(codes)]
        product = tariff.products[code]
        p = dict(params.get(code, {}))
        for param in product.parameters:
            if param.required and param.key not in p:
                p[param.key] = param.minimum if param.minimum and param.minimum > 0 else Decimal(1)
        lines.append(LineRequest(code, p))
    return tuple(lines)


def bench_pricing(tariff, decision) -> None:  # type: ignore[no-untyped-def]
    req = QuoteRequest(tariff.code, thirty_lines(tariff), years=6)

    def price() -> object:
        return build_quote(tariff, req, None, decision, kind=MemberKind.COMMUNE, size=28000)

    timed(price, 200)  # warm up
    rounds = [statistics.median(timed(price, 200)) for _ in range(5)]
    median = statistics.median(rounds)
    report("chiffrer une offre de 30 lignes (médiane)", ms(median), median < 0.001, "< 1 ms")
    print(f"     (5 séries de 200 : meilleure {ms(min(rounds))}, pire {ms(max(rounds))})")
    assert context_for  # the context helper is part of what the UI uses


# --------------------------------------------------------------------------- store-based


def open_seeded(path: Path):  # type: ignore[no-untyped-def]
    from desktop.store.database import open_database

    t0 = time.perf_counter()
    db = open_database(path)
    print(f"     (base créée et remplie en {time.perf_counter() - t0:.2f} s : {path})")
    return db


def bench_categories(db, tariff) -> None:  # type: ignore[no-untyped-def]
    from desktop.store.members_repo import MemberRepository

    repo = MemberRepository(db)
    members = list(repo.all())
    by_id = {m.id: m for m in members}

    def derive_all() -> None:
        for m in members:
            derive_category(m, tariff.categories, by_id.get)

    derive_all()
    samples = timed(derive_all, 20)
    median = statistics.median(samples)
    report(
        f"catégorie de chaque membre ({len(members)} membres)",
        ms(median),
        median < 0.050,
        "< 50 ms au total",
    )
    # with the repository's own lookup (what the app does when it has no cache)
    t0 = time.perf_counter()
    for m in members:
        derive_category(m, tariff.categories, repo.lookup)
    print(f"     (avec MemberRepository.lookup : {ms(time.perf_counter() - t0)})")


SYLLABLES = [
    "ber",
    "lo",
    "mont",
    "ville",
    "sart",
    "gem",
    "bloux",
    "ha",
    "rieu",
    "cour",
    "tin",
    "ave",
]


def generate_members(db, n: int) -> None:  # type: ignore[no-untyped-def]
    from desktop.store.members_repo import MemberRepository

    repo = MemberRepository(db)
    rnd = random.Random(42)
    kinds = [MemberKind.INTERCOMMUNALE, MemberKind.RCA, MemberKind.AUTRE]
    t0 = time.perf_counter()
    with db.transaction():
        for i in range(n):
            name = "".join(rnd.choice(SYLLABLES) for _ in range(rnd.randint(2, 4))).capitalize()
            kind = kinds[i % 3]
            repo.create(kind, f"{name} {i}", size=rnd.randint(1, 500))
    print(f"     ({n} membres générés en {time.perf_counter() - t0:.2f} s)")


def bench_search(db) -> None:  # type: ignore[no-untyped-def]
    from desktop.store.members_repo import MemberRepository

    repo = MemberRepository(db)
    queries = [
        "liege",
        "Liège",
        "5267",
        "nivelles",
        "25072",
        "namur",
        "saint",
        "1300",
        "cpas",
        "zone",
        "mont",
        "berlo",
        "ha",
        "brabant",
        "x",
        "Gembloux",
        "ottignies",
        "5000",
        "arlon",
        "zz",
        "zp5303",
        "st ghislain",
        "tubize",
    ]
    for q in queries:
        repo.search(q)  # warm up
    samples = []
    for _ in range(5):
        for q in queries:
            t0 = time.perf_counter()
            repo.search(q, limit=20)
            samples.append(time.perf_counter() - t0)
    median, worst = statistics.median(samples), max(samples)
    report(
        "recherche de membre, annuaire + 10 000 (médiane)", ms(median), median < 0.010, "< 10 ms"
    )
    report("recherche de membre, annuaire + 10 000 (pire)", ms(worst), worst < 0.010, "< 10 ms")


def bench_cold_cli(db_path: Path) -> None:
    """Wall time of a whole ``comptoir quote --json`` process, as a script would run it.

    Measured twice: with Python's bytecode cache (an installed application) and without it
    (every module compiled at each start, the worst case: the cache is looked for in an empty
    folder, and nothing is written there; ``PYTHONDONTWRITEBYTECODE`` alone still reads the
    cache already written).
    """
    base = {**os.environ, "COMPTOIR_DB": str(db_path), "PYTHONIOENCODING": "utf-8"}
    base.setdefault("COMPTOIR_LOG_DIR", str(db_path.parent / "log"))
    cached = {k: v for k, v in base.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
    empty = db_path.parent / "aucun-cache"
    empty.mkdir(exist_ok=True)
    uncached = {**cached, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": str(empty)}
    cmd = [
        sys.executable,
        "-m",
        "desktop",
        "quote",
        "--member",
        "Nivelles",
        "--product",
        "delib",
        "--product",
        "aes",
        "--param",
        "aes:schools=9",
        "--json",
    ]
    subprocess.run(cmd, cwd=ROOT, env=cached, capture_output=True, check=False)  # writes .pyc
    for label, env in (("avec cache bytecode", cached), ("sans cache bytecode", uncached)):
        walls = []
        for _ in range(7):
            t0 = time.perf_counter()
            done = subprocess.run(
                cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False
            )
            walls.append(time.perf_counter() - t0)
            if done.returncode != 0:
                print(f"     comptoir quote a échoué ({done.returncode}) : {done.stderr.strip()}")
                RESULTS.append(("comptoir quote", "échec", False))
                return
        median = statistics.median(walls)
        report(
            f"processus froid comptoir quote --json, {label}",
            ms(median),
            median < 0.400,
            "< 400 ms",
        )
        print(f"     (min {ms(min(walls))}, max {ms(max(walls))})")
        if median >= 0.400:
            importtime(cmd, env)


def importtime(cmd: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(
        [cmd[0], "-X", "importtime", *cmd[1:]],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        parts = line.split("|")
        try:
            rows.append((int(parts[1]), parts[2].rstrip()))
        except ValueError:
            continue
    print("     importations les plus lentes (cumulé, µs) :")
    for cumulative, name in sorted(rows, reverse=True)[:15]:
        print(f"       {cumulative:>9} {name}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--strict", action="store_true", help="code 1 si une cible est manquée")
    parser.add_argument(
        "--members", type=int, default=10_000, help="membres générés pour la recherche"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        db = open_seeded(path)
        try:
            from desktop.store.catalogue_repo import load_tariff

            tariff = load_tariff(db)
            from desktop.core.categories import category_for_size

            decision = category_for_size(MemberKind.COMMUNE, tariff.categories, inhabitants=28000)
            bench_pricing(tariff, decision)
            bench_categories(db, tariff)
            db.close()
            bench_cold_cli(path)  # before the generated members, on the seeded database
            db = open_seeded(path)
            generate_members(db, args.members)
            bench_search(db)
        finally:
            db.close()
    missed = [name for name, _fig, ok in RESULTS if not ok]
    if missed:
        print(f"\nCibles manquées : {', '.join(missed)}")
    return 1 if (missed and args.strict) else 0


if __name__ == "__main__":
    sys.exit(main())
