"""PDF figures: in-process render time of an offer (1 line, 40 lines) and of a contract.

Run with ``scripts/bench`` (or ``python tests/benchmarks/bench_pdf.py [--runs N] [--strict]``).
Each figure is the median of N renders after one warm-up render (the warm-up pays the
imports and the font registration, once per process; it is reported on its own line).
Targets: 1-line offer under 150 ms, 40-line offer under 400 ms. Next to them, the same
measurement for a minimal reportlab page drawn with the same embedded fonts, and the ratio.
``--strict`` exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "unit" / "documents"))

import doc_factories as f  # noqa: E402

from desktop.documents.contract import build_contract_document, render_contract  # noqa: E402
from desktop.documents.offer import build_offer_document, render_offer  # noqa: E402

RESULTS: list[tuple[str, str, bool]] = []


def report(name: str, figure: str, ok: bool, target: str) -> None:
    RESULTS.append((name, figure, ok))
    print(f"{'OK ' if ok else 'LENT'} {name:<48} {figure:>26}   (cible {target})")


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def minimal_page() -> bytes:
    """One A4 page, a few strings in the embedded regular and bold fonts (the floor)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from desktop.documents import fonts

    fonts.register_fonts()
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, invariant=1, initialFontName=fonts.REGULAR)
    c.setFont(fonts.BOLD, 16)
    c.drawString(50, 780, "Offre n° OFF-2026-LAP1-0001")
    c.setFont(fonts.REGULAR, 9)
    c.drawString(50, 760, "Budget de la première année HTVA : 8\u202f062,00\u00a0€")
    c.showPage()
    c.save()
    return buf.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=25, help="renders per figure (médiane)")
    parser.add_argument("--strict", action="store_true", help="code 1 si une cible est manquée")
    args = parser.parse_args()

    tariff = f.tariff()
    one = build_offer_document(f.quote(), tariff, None, number="OFF-2026-LAP1-0001", issued=f.ISSUED)
    forty = build_offer_document(
        f.quote(f.many_lines(40)), tariff, None, number="OFF-2026-LAP1-0002", issued=f.ISSUED
    )
    contract = build_contract_document(
        f.accepted_offer(), tariff, None, issued=date(2026, 12, 1), accepted_on=date(2026, 11, 30)
    )

    t0 = time.perf_counter()
    first = render_offer(one)
    cold = time.perf_counter() - t0
    print(f"info première génération du processus (imports, polices)   {ms(cold):>12}")
    render_offer(forty)
    render_contract(contract)
    minimal_page()

    base = statistics.median(timed(minimal_page, args.runs))
    cases = [
        ("offre 1 ligne", lambda: render_offer(one), 0.150),
        ("offre 40 lignes", lambda: render_offer(forty), 0.400),
        ("bon de commande (1 ligne)", lambda: render_contract(contract), None),
    ]
    report("page reportlab minimale (mêmes polices)", ms(base), True, "référence")
    for name, fn, target in cases:
        med = statistics.median(timed(fn, args.runs))
        figure = f"{ms(med)} (x{med / base:.1f})"
        if target is None:
            report(name, figure, True, "information")
        else:
            report(name, figure, med < target, f"< {target * 1000:.0f} ms")
    pages40 = render_offer(forty).count(b"/Type /Page\n")
    print(f"info tailles : 1 ligne {len(first) // 1024} Kio ; 40 lignes {len(render_offer(forty)) // 1024} Kio,"
          f" {pages40} pages")

    missed = [name for name, _fig, ok in RESULTS if not ok]
    if missed:
        print("Cibles manquées : " + ", ".join(missed))
    return 1 if (missed and args.strict) else 0


if __name__ == "__main__":
    sys.exit(main())
