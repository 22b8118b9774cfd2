"""Offline teams: offers bundles (laptop -> head office) and the catalogue (head office -> laptop).

Fichier > Exporter des offres… / Importer des offres… / Importer le catalogue…. The files are
chosen through the dialog service; the work (``desktop.store.bundles``) runs on the task helper
with a connection of its own, while the status bar shows what is going on. Loaded on first use:
the bundle code is imported inside the workers only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QRadioButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.core.errors import ComptoirError, InvalidInput
from desktop.ui.dates import format_date, parse_date
from desktop.ui.dialogs import held_until_destroyed
from desktop.ui.form import FormDialog, hint
from desktop.ui.tones import Tone, css
from desktop.ui.wrap import keep_figures

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)

BUNDLE_FILTER = "Lots Comptoir (*.zip);;Tous les fichiers (*)"


# --- work done off the GUI thread (plain values in, plain values out) -----------------------


def export_offers_job(db_path: Path, out: Path, since: date | None, refs: Sequence[str] | None) -> Any:
    from desktop.store.bundles import export_offers
    from desktop.store.database import open_database
    from desktop.store.offers_repo import OfferRepository

    db = open_database(db_path, seed=False)  # the application has opened (seeded) it already
    try:
        return export_offers(OfferRepository(db), out, since=since, refs=refs)
    finally:
        db.close()


def import_offers_job(db_path: Path, path: Path) -> Any:
    from desktop.store.bundles import import_offers
    from desktop.store.database import open_database
    from desktop.store.offers_repo import OfferRepository

    db = open_database(db_path, seed=False)  # the application has opened (seeded) it already
    try:
        return import_offers(OfferRepository(db), path)
    finally:
        db.close()


def import_catalogue_job(db_path: Path, path: Path) -> tuple[Any, Any]:
    """Import all or nothing, then read the catalogue and directory back for the screens."""
    from desktop.store.bundles import import_catalogue
    from desktop.store.database import open_database
    from desktop.ui.backend import load_startup_data

    db = open_database(db_path, seed=False)  # the application has opened (seeded) it already
    try:
        report = import_catalogue(db, path)
    finally:
        db.close()
    return report, load_startup_data(db_path)


# --- widgets --------------------------------------------------------------------------------


class BusyIndicator(QWidget):
    """What runs in the background, in the status bar: a text and a moving bar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("busyIndicator")
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # indeterminate
        self.bar.setMaximumWidth(120)
        self.bar.setMaximumHeight(14)
        self.bar.setTextVisible(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 6, 0)
        layout.addStretch(1)  # the text sits next to its bar, at the right
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        self.hide()

    def start(self, text: str) -> None:
        self.label.setText(text)
        self.show()

    def stop(self) -> None:
        self.hide()
        self.label.clear()


class ReportDialog(QDialog):
    """A report to read (import results); non-blocking, closed with « Fermer »."""

    def __init__(self, title: str, html: Callable[[], str], parent: QWidget | None = None) -> None:
        """``html()`` writes the report (again after a switch to the dark theme)."""
        super().__init__(parent)
        self._html = html
        self.setObjectName("reportDialog")
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.body = QTextBrowser()
        self.body.setObjectName("reportBody")
        self.body.setAccessibleName(title)
        self.body.setHtml(keep_figures(html()))
        self.body.setOpenLinks(False)
        buttons = QDialogButtonBox()
        close = buttons.addButton("Fermer", QDialogButtonBox.ButtonRole.AcceptRole)
        close.setDefault(True)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.body, 1)
        layout.addWidget(buttons)
        self.resize(620, 420)

    @property
    def text(self) -> str:
        return self.body.toPlainText()

    def retone(self) -> None:
        self.body.setHtml(keep_figures(self._html()))


@dataclass(frozen=True, slots=True)
class ExportChoice:
    since: date | None = None
    refs: tuple[str, ...] | None = None  # offer ids (selection)
    label: str = ""  # for the suggested file name


class ExportForm(FormDialog):
    """Which offers to export: the selection in the offers list, or every one since a date."""

    def __init__(
        self,
        selection: Sequence[Any],
        default_since: date,
        today: date,
        on_chosen: Callable[[ExportChoice], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Exporter des offres", parent, ok_text="Exporter…")
        self.setObjectName("exportForm")
        self._today = today
        self._on_chosen = on_chosen
        self.selection = list(selection)
        numbered = [s for s in self.selection if s.number]
        self.numbered = numbered
        self.outer.insertWidget(
            1,
            hint(
                "Seules les offres finalisées partent (numéro, PDF figé et historique) ; les "
                "brouillons restent sur cet appareil."
            ),
        )
        self.use_selection = QRadioButton(self._selection_text())
        self.use_selection.setObjectName("exportSelection")
        self.use_selection.setEnabled(bool(numbered))
        self.use_since = QRadioButton("Toutes les offres finalisées modifiées depuis le :")
        self.use_since.setObjectName("exportSince")
        group = QButtonGroup(self)
        group.addButton(self.use_selection)
        group.addButton(self.use_since)
        (self.use_selection if numbered else self.use_since).setChecked(True)
        self.since = QLineEdit(format_date(default_since))
        self.since.setObjectName("since")
        self.since.setPlaceholderText("JJ/MM/AAAA")
        self.since.setMaximumWidth(140)
        self.since.textEdited.connect(lambda _t: self.use_since.setChecked(True))
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.use_selection)
        lay.addWidget(self.use_since)
        self.errors.add_row("Offres :", box, "choice")
        self.errors.add_row(
            "Depuis le :", self.since, "since", hint_text="vide : toutes les offres finalisées"
        )
        self.finish_layout()
        self.set_form_width(560)

    def _selection_text(self) -> str:
        n = len(self.numbered)
        drafts = len(self.selection) - n
        if not self.selection:
            return "Les offres sélectionnées dans la liste (aucune sélection)"
        if not n:
            return "Les offres sélectionnées dans la liste (aucune n'est finalisée : rien à exporter)"
        text = f"Les offres sélectionnées dans la liste ({n} finalisée{'s' if n > 1 else ''}"
        if drafts:
            text += f", {drafts} brouillon{'s' if drafts > 1 else ''} qui ne part pas"
        return text + ")"

    def submit(self) -> bool:
        if self.use_selection.isChecked():
            if not self.numbered:
                raise InvalidInput("Aucune offre finalisée n'est sélectionnée.", field="choice")
            choice = ExportChoice(
                refs=tuple(s.id for s in self.selection),
                label=self.numbered[0].number if len(self.numbered) == 1 else "selection",
            )
        else:
            since = parse_date(self.since.text(), "since", "Depuis le")
            if since is not None and since > self._today:
                raise InvalidInput(
                    f"Depuis le : le {since:%d/%m/%Y} est dans le futur ; aucune offre ne serait "
                    "exportée.",
                    field="since",
                )
            choice = ExportChoice(since=since, label=f"depuis-{since:%Y%m%d}" if since else "toutes")
        return self._on_chosen(choice)  # False: the file choice was cancelled, stay open


# --- the controller -------------------------------------------------------------------------


class Exchange:
    def __init__(self, window: MainWindow) -> None:
        self.w = window
        self.form: ExportForm | None = None
        self.report: ReportDialog | None = None
        self.busy = BusyIndicator()
        window.statusBar().addPermanentWidget(self.busy)
        self.running = ""

    @property
    def actions(self) -> list[Any]:
        w = self.w
        return [
            a
            for a in (
                getattr(w, "export_offers_action", None),
                getattr(w, "import_offers_action", None),
                getattr(w, "import_catalogue_action", None),
            )
            if a is not None
        ]

    # -- running ---------------------------------------------------------------------------
    def _start(self, text: str, fn: Callable[..., Any], *args: Any, done: Callable[[Any], None],
               failed: Callable[[BaseException], None]) -> bool:
        if self.running:
            self.w.bar.info(f"Patientez : {self.running.lower()}")
            return False
        self.running = text
        self.busy.start(text)
        for a in self.actions:
            a.setEnabled(False)

        def finish() -> None:
            self.running = ""
            self.busy.stop()
            for a in self.actions:
                a.setEnabled(True)

        def ok(result: Any) -> None:
            finish()
            done(result)

        def ko(error: BaseException) -> None:
            finish()
            if not isinstance(error, ComptoirError):
                raise error  # unexpected: the crash dialog
            failed(error)

        self.w.runner.run(fn, *args, on_result=ok, on_error=ko, name="échange")
        return True

    def _show_report(self, title: str, html: Callable[[], str]) -> None:
        if self.report is not None:
            self.report.close()
        report = ReportDialog(title, html, self.w)
        held_until_destroyed(self, "report", report)
        report.open()

    # -- export ----------------------------------------------------------------------------
    def export_offers(self, selection: Sequence[Any] | None = None) -> None:
        """The small form (selection or since a date), then the file, then the worker."""
        if selection is None:  # Fichier > Exporter des offres…
            offers_list = getattr(self.w, "_offers_list", None)
            # the list's selection when the list is the tab shown: from the offer's tab, a row
            # selected there earlier is not what the user means (« aucune n'est finalisée »)
            selection = offers_list.selected() if offers_list is not None and offers_list.isVisible() else []
        today = self.w.backend.today()
        if self.form is not None:
            self.form.discard()
        form = ExportForm(selection, today.replace(day=1), today, self._export_chosen, self.w)
        held_until_destroyed(self, "form", form)
        form.open()

    def _device(self) -> str:
        try:
            return str(getattr(self.w.backend.settings(), "device_code", "") or "")
        except ComptoirError:
            return ""

    def _export_chosen(self, choice: ExportChoice) -> bool:
        today = self.w.backend.today()
        device = self._device()
        name = f"offres-{device + '-' if device else ''}{choice.label}-{today:%Y%m%d}.zip"
        path = self.w.dialogs.save_file(self.w, "Exporter des offres", name, BUNDLE_FILTER)
        if not path:
            return False
        out = Path(path)
        # a new name gets its .zip (« offres du 22.11.2026 »: « .2026 » is no suffix); a file
        # picked to be replaced keeps its name, to be refused if it is a database
        if out.suffix.lower() != ".zip" and not out.exists():
            out = out.with_name(out.name + ".zip")
        self.w.session.save_now()
        self._start(
            "Export des offres…",
            export_offers_job,
            self.w.backend.db.path,
            out,
            choice.since,
            choice.refs,
            done=self._exported,
            failed=lambda e: self.w.bar.error(f"Export impossible : {e}"),
        )
        return True

    def _exported(self, report: Any) -> None:
        n, drafts = len(report.offers), report.drafts_skipped
        if not n:
            self.w.bar.warning(
                f"Aucune offre finalisée pour ce choix : le lot {report.path} est vide."
            )
            return
        text = f"{n} offre{'s' if n > 1 else ''} exportée{'s' if n > 1 else ''} dans {report.path}"
        if drafts:
            text += (
                f" ; {drafts} brouillon{'s' if drafts > 1 else ''} non exporté{'s' if drafts > 1 else ''}"
                " (finalisez d'abord ce qui doit partir)"
            )
        self.w.bar.success(text + ".", timeout_ms=10_000)

    # -- import of offers ------------------------------------------------------------------
    def import_offers(self) -> None:
        path = self.w.dialogs.open_file(self.w, "Importer des offres", BUNDLE_FILTER)
        if not path:
            return
        self.w.session.save_now()
        self._start(
            "Import des offres…",
            import_offers_job,
            self.w.backend.db.path,
            Path(path),
            done=lambda report: self._offers_imported(Path(path), report),
            failed=lambda e: self.w.bar.error(f"Lot non importé : {e} Aucune offre n'a changé."),
        )

    def _offers_imported(self, path: Path, report: Any) -> None:
        self._show_report("Import des offres", lambda: import_report_html(path, report))
        n, c = len(report.imported), len(report.conflicts)
        u, same = len(report.updated), len(report.identical)
        text = f"Lot {path.name} importé : {n} offre{'s' if n > 1 else ''} ajoutée{'s' if n > 1 else ''}"
        if u:  # states moved on (accepted, refused…): said, not only in the report
            text += f", {u} mise{'s' if u > 1 else ''} à jour"
        if same:
            text += f", {same} déjà présente{'s' if same > 1 else ''} et inchangée{'s' if same > 1 else ''}"
        if c:
            text += f", {c} conflit{'s' if c > 1 else ''} (rien n'a été écrasé)."
            self.w.bar.warning(text)
        else:
            self.w.bar.success(text + ".", timeout_ms=8000)
        self.w.refresh_offers()

    # -- import of the catalogue -----------------------------------------------------------
    def import_catalogue(self) -> None:
        path = self.w.dialogs.open_file(self.w, "Importer le catalogue", BUNDLE_FILTER)
        if not path:
            return
        if not self.w.dialogs.confirm(
            self.w,
            "Importer le catalogue",
            f"Le catalogue (tarifs) et l'annuaire des membres seront remplacés par ceux de "
            f"{Path(path).name}.\n\nConservés : vos offres, vos réglages et les membres créés sur "
            "cet appareil.\nRemplacées par celles du siège : les modifications faites ici sur les "
            "membres de l'annuaire (adresse, population, affiliation, catégorie…).\n\nLe lot est "
            "vérifié d'abord : s'il ne convient pas, rien ne change. Continuer ?",
            yes="Importer",
            no="Annuler",
        ):
            return
        self.w.session.save_now()
        self._start(
            "Import du catalogue…",
            import_catalogue_job,
            self.w.backend.db.path,
            Path(path),
            done=lambda result: self._catalogue_imported(Path(path), *result),
            failed=self._catalogue_refused,
        )

    def _catalogue_refused(self, error: BaseException) -> None:
        # all or nothing: whatever the reason, what the screens show is still what is stored
        self.w.bar.error(
            f"Catalogue non importé : {error} Le catalogue et l'annuaire n'ont pas changé."
        )

    def _catalogue_imported(self, path: Path, report: Any, data: Any) -> None:
        w = self.w
        before = w.session.quote
        w.backend.reload(data)
        w.reload_catalogue()
        after = w.session.quote
        n = len(data.index)
        text = (
            f"Catalogue importé depuis {path.name} : tarif en vigueur « {data.tariff.title} », "
            f"{n} membre{'s' if n > 1 else ''} dans l'annuaire"
        )
        kept = report.kept_local_members
        if kept:
            text += f", dont {kept} créé{'s' if kept > 1 else ''} sur cet appareil et conservé{'s' if kept > 1 else ''}"
        text += "."
        if before is not None and after is not None and not w.session.read_only and (
            before.totals != after.totals or before.decision.category != after.decision.category
        ):  # the offer on screen changed under the user's eyes: said
            text += (
                " L'offre ouverte est recalculée sur ce catalogue : vérifiez sa catégorie et ses "
                "montants avant de l'envoyer."
            )
        open_id = w.session.offer.id if w.session.offer is not None else None
        others = [i for i in report.drafts_requoted_ids if i != open_id]
        if others:  # stored with their new figures: the offers list shows them
            n, s = len(others), "s" if len(others) > 1 else ""
            other = f"autre{s} " if n < len(report.drafts_requoted_ids) else ""
            verb = "sont" if n > 1 else "est"
            text += f" {n} {other}brouillon{s} enregistré{s} {verb} recalculé{s} sur ce catalogue."
        unpriced = [  # the open draft's missing line is said below, where it is shown without it
            name
            for name, i in zip(report.drafts_unpriced, report.drafts_unpriced_ids, strict=True)
            if not (w.session.withdrawn and i == open_id)
        ]
        if unpriced:  # « Nivelles (brouillon du 22/11/2026) »
            text += (
                f" Ce catalogue ne calcule plus {', '.join(unpriced)} : "
                f"ouvrez-{'les' if len(unpriced) > 1 else 'le'} pour voir ce qui manque."
            )
        if report.numbers_ahead:  # a laptop rebuilt from an older backup
            from desktop.store.bundles import numbers_ahead_text

            text += " " + numbers_ahead_text(report.numbers_ahead)
        if report.same_names:  # the search shows two members under one name
            from desktop.store.bundles import same_names_text

            text += " " + same_names_text(report.same_names)
        if report.drafts_on_missing_tariffs:
            text += (
                " Des brouillons sont calculés sur un tarif absent du catalogue importé ("
                + ", ".join(report.drafts_on_missing_tariffs)
                + ") : recalculez-les."
            )
        breaks = report.setup_breaks
        if breaks:  # the grid's own rule: setup = days x day rate
            first = breaks[0] + (f" (et {len(breaks) - 1} autre(s))" if len(breaks) > 1 else "")
            text += f" À vérifier avec le siège, mise en place hors règle : {first}."
        if w.session.withdrawn:  # the offer on screen lost lines: which, and how to store it so
            from desktop.ui.reprice import warn_withdrawn

            warn_withdrawn(w, before=text)
        elif report.drafts_on_missing_tariffs or breaks or unpriced or report.numbers_ahead:
            w.bar.warning(text)
        else:
            w.bar.success(text, timeout_ms=12_000)
        w.refresh_offers()


def import_report_html(path: Path, report: Any) -> str:
    """The import report: imported, identical (skipped), updated, conflicts (never overwritten)."""

    def section(title: str, items: Sequence[str], note: str = "") -> str:
        head = f"<p style='margin:8px 0 2px 0'><b>{escape(title)} : {len(items)}</b>"
        head += f" <span style='color:{css(Tone.MUTED, on_base=True)}'>{escape(note)}</span></p>" if note else "</p>"
        if not items:
            return head
        return head + "<ul style='margin-top:0'>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>"

    device = f" (appareil {report.device})" if getattr(report, "device", "") else ""
    parts = [f"<p>Lot <b>{escape(path.name)}</b>{escape(device)}</p>"]
    parts.append(section("Offres importées", list(report.imported)))
    parts.append(section("Déjà présentes et identiques", list(report.identical), "(laissées telles quelles)"))
    parts.append(section("Mises à jour", list(report.updated), "(leur état ou leur historique a avancé)"))
    conflicts = [f"{c.number} : {c.reason}" for c in report.conflicts]
    parts.append(
        section(
            "Conflits",
            conflicts,
            "non importées : l'offre déjà présente ici n'a pas été modifiée" if conflicts else "",
        )
    )
    return "".join(parts)
