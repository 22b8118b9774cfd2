"""Printing figures: how long the window may stall while an offer is printed, and at what cost.

Run with ``scripts/bench`` (or ``python tests/benchmarks/bench_print.py [--strict]``).

A 40-line offer (3 pages) is printed from the preview, as « Imprimer… » does, on a printer
that needs pictures of the pages (a PDF file on Letter paper: printing on A4 to a file writes
the document itself). Each resolution runs in a process of its own. Meanwhile a timer on the
GUI thread ticks every 5 ms; the longest gap between two ticks is the longest the window
could not repaint or take a key. Figures: the time ``print_pdf`` takes to return, the whole
print, the longest and 95th-percentile GUI gaps, and the peak memory of the process.
Target: no GUI gap over 100 ms (a stall a user notices). ``--strict`` exits 1 when missed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

ONE_RUN = r"""
import json, os, sys, time
sys.path.insert(0, sys.argv[1]); sys.path.insert(0, os.path.join(sys.argv[1], "tests", "unit", "documents"))
dpi, out = int(sys.argv[2]), sys.argv[3]
from PySide6.QtCore import QTimer
from PySide6.QtGui import QPageSize
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
import doc_factories as f
from desktop.documents.offer import build_offer_document, render_offer
from desktop.ui.preview import PdfPreview
from desktop.ui.tasks import TaskRunner

data = render_offer(build_offer_document(f.quote(f.many_lines(40)), f.tariff(), None,
                                         number="OFF-2026-LAP1-0001", issued=f.ISSUED))

class Dialogs:
    def save_file(self, *args): return None
    def open_external(self, path): return False
    def print_setup(self, parent, printer):
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(out)
        printer.setResolution(dpi)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.Letter))
        return True

preview = PdfPreview(dialogs=Dialogs())
preview.set_pdf(data)
gaps, marks = [], {}
def tick():
    now = time.perf_counter(); gaps.append(now - marks["last"]); marks["last"] = now
timer = QTimer(); timer.timeout.connect(tick)
def printed(sheets):
    timer.stop()
    result = {"sheets": sheets, "returned": marks["returned"], "total": time.perf_counter() - marks["start"],
              "longest": max(gaps), "p95": sorted(gaps)[int(len(gaps) * 0.95)]}
    try:
        import resource
        result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    except ImportError:
        pass
    print(json.dumps(result)); app.quit()
preview.printed.connect(printed)
preview.failed.connect(lambda message: (print(json.dumps({"error": message})), app.quit()))
def start():
    marks["start"] = marks["last"] = time.perf_counter(); timer.start(5)
    preview.print_pdf(); marks["returned"] = time.perf_counter() - marks["start"]
QTimer.singleShot(0, start)
app.exec()
"""


def one_run(dpi: int, folder: Path) -> dict[str, float]:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    out = folder / f"impression-{dpi}.pdf"
    done = subprocess.run(
        [sys.executable, "-c", ONE_RUN, str(ROOT), str(dpi), str(out)],
        env=env, capture_output=True, text=True, encoding="utf-8", timeout=300, check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"échec de l'impression à {dpi} dpi (code {done.returncode}) :\n{done.stderr}")
    result: dict[str, float] = json.loads(lines[-1])
    if "error" in result:
        raise SystemExit(f"impression à {dpi} dpi refusée : {result['error']}")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=1, help="ignoré (une impression par résolution)")
    parser.add_argument("--strict", action="store_true", help="code 1 si une cible est manquée")
    args = parser.parse_args()
    missed = []
    with tempfile.TemporaryDirectory() as folder:
        for dpi in (300, 600):
            r = one_run(dpi, Path(folder))
            ok = r["longest"] < 0.100
            if not ok:
                missed.append(f"pause à {dpi} dpi")
            memory = f", pic mémoire {r['peak_mb']:.0f} Mo" if "peak_mb" in r else ""
            print(
                f"{'OK ' if ok else 'LENT'} impression 3 pages à {dpi} dpi : plus longue pause de la fenêtre"
                f" {r['longest'] * 1000:.0f} ms (cible < 100 ms)\n"
                f"     rendu de la main en {r['returned'] * 1000:.0f} ms, impression en {r['total']:.2f} s,"
                f" pause p95 {r['p95'] * 1000:.0f} ms{memory}"
            )
    if missed:
        print("cibles manquées : " + ", ".join(missed))
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
