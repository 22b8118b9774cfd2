"""Member search: results as you type, keyboard first (type, Down/Up, Enter).

The search runs on a worker thread over an immutable snapshot of the directory; a newer
keystroke cancels the delivery of an older search, so results never go backwards.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFontMetricsF, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyleOptionViewItem,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from desktop.core.catalogue import Tariff
from desktop.core.categories import category_title
from desktop.core.directory import MemberIndex
from desktop.core.inputs import shown
from desktop.core.members import MemberKind
from desktop.ui.backend import SEARCH_LIMIT, Hit, search_hits
from desktop.ui.message_bar import announce
from desktop.ui.models import MemberHitsModel
from desktop.ui.tasks import TaskRunner
from desktop.ui.wrap_delegate import WrapDelegate, break_long_words

DEBOUNCE_MS = 80
SearchSource = Callable[[], tuple[MemberIndex, Tariff]]


class SearchPanel(QWidget):
    member_chosen = Signal(str)  # member id
    results_shown = Signal(int)  # number of hits, after they are on screen

    def __init__(
        self,
        runner: TaskRunner,
        source: SearchSource,
        parent: QWidget | None = None,
        *,
        enter: str = "ouvrir",
        missing: str = "",
    ) -> None:
        """``enter``: what Enter does to the member found (« ouvrir », « choisir »);
        ``missing``: what to do about a body that is not in the directory, said when nothing
        matches."""
        super().__init__(parent)
        self._runner = runner
        self._source = source
        self._enter = enter
        self._missing = missing
        self._choose_when_ready = False
        self._searched = ""
        self._started = 0.0
        # A stream of this panel's own (the offers list has a second panel, in its member
        # picker: neither cancels the other)
        self._stream = f"recherche-membres-{id(self)}"
        self.last_latency_ms = 0.0

        self.field = QLineEdit()
        self.field.setObjectName("memberSearch")
        self.field.setPlaceholderText("Rechercher un membre (Ctrl+F)")
        self.field.setAccessibleName("Rechercher un membre")
        self.field.setClearButtonEnabled(True)
        for clear in self.field.findChildren(QToolButton):  # Qt's button in the field: an icon
            clear.setAccessibleName("Effacer la recherche")
        self.field.setToolTip(f"Ctrl+F. Tapez, puis flèches haut/bas et Entrée pour {enter}.")
        self.field.installEventFilter(self)
        self.field.textEdited.connect(self._schedule)
        self.field.returnPressed.connect(self.choose_current)

        self.model = MemberHitsModel(self)
        self.view = _ResultsTree()
        self.view.setObjectName("memberResults")
        self.view.setAccessibleName("Membres trouvés")
        self.view.setModel(self.model)
        self.view.setRootIsDecorated(False)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the field keeps the keyboard
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Fixed widths (measured once): resizing to contents on every keystroke costs a frame.
        metrics = self.view.fontMetrics()
        pad = 3 * metrics.averageCharWidth() // 2  # the name takes what they leave
        kind_width = max(metrics.horizontalAdvance(k.short_label) for k in MemberKind)
        cat_width = max(metrics.horizontalAdvance(w) for w in ("Catégorie", "Provinces", "à choisir"))
        for column, width in ((1, kind_width + pad), (2, cat_width + pad)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, width)
        # a click chooses; the list never has the keyboard, and where the desktop activates on
        # a single click the same click also emitted « activated »: the member was chosen twice
        self.view.clicked.connect(lambda idx: self._choose_row(idx.row()))

        self.status = QLabel()
        self.status.setObjectName("searchStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # it quotes what was typed
        self.status.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.field)
        layout.addWidget(self.status)
        layout.addWidget(self.view, 1)
        self.status.hide()
        self.view.hide()

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._search)

    # -- public --------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    @property
    def showing_results(self) -> bool:
        return self.view.isVisible()

    def clear(self) -> None:
        self._timer.stop()
        self._runner.cancel(self._stream)  # its hits would list members under an empty field
        self._choose_when_ready = False  # an Entrée waiting for them would open the next name
        self.field.clear()
        self._searched = ""
        self.model.set_hits([])
        self._show_results(False)

    def choose_current(self) -> None:
        """Enter: open the highlighted result (waiting for a search still in flight)."""
        if self._timer.isActive() or self._searched != self.field.text().strip():
            self._choose_when_ready = True
            if self._timer.isActive():
                self._timer.stop()
                self._search()
            return
        row = self.view.currentIndex().row()
        if row < 0 and self.model.rowCount() > 0:
            row = 0
        if row >= 0:
            self._choose_row(row)

    # -- search --------------------------------------------------------------------------
    def _schedule(self, _text: str) -> None:
        self._timer.start()

    def _search(self) -> None:
        query = self.field.text().strip()
        if not query:
            self.clear()
            return
        index, tariff = self._source()
        self._started = time.perf_counter()
        # delivered to a method, which Qt disconnects if the panel is gone before the hits arrive
        self._runner.latest(
            self._stream,
            _search,
            index,
            tariff,
            query,
            on_result=self._on_hits,
        )

    def _on_hits(self, found: tuple[str, list[Hit], bool]) -> None:
        self._show_hits(*found)

    def _show_hits(self, query: str, hits: list[Hit], spelled: bool = True) -> None:
        self._searched = query
        self.model.set_hits(hits)
        if hits:
            self.view.setCurrentIndex(self.model.index(0, 0))
        self.status.setText(self._status_text(query, hits, spelled))
        self._show_results(True)
        # the keyboard stays in the field: the results are said, as the field says its text
        announce(self.status, self.status.text())
        self.last_latency_ms = (time.perf_counter() - self._started) * 1000
        self.results_shown.emit(len(hits))
        if self._choose_when_ready and query == self.field.text().strip():
            self._choose_when_ready = False
            # names one slip away are shown to be read first: an Entrée typed before they came
            # would open (or copy the offer for) a member the user never saw nor typed
            if hits and spelled:
                self._choose_row(self.view.currentIndex().row())

    def refresh(self) -> None:
        """Members changed (an edit, a category chosen, a creation): the results listed, shown
        or kept for ↓, are found again on the directory as it is now, so no category, name or
        hit is left over from before. (A commune's population moves its CPAS and its police
        zone too: every hit is derived again.) The highlighted member stays highlighted."""
        query = self.field.text().strip()
        if self._timer.isActive() or not query:
            return  # a search is about to start on the directory as it is now, or none shown
        if query != self._searched:
            self._search()  # one in flight read the directory before the change: again
            return
        index, tariff = self._source()
        _, hits, spelled = _search(index, tariff, query)
        row = self.view.currentIndex().row()
        current = self.model.hit(row).member.id if 0 <= row < self.model.rowCount() else None
        self.model.set_hits(hits)
        ids = [h.member.id for h in hits]
        if hits:
            self.view.setCurrentIndex(self.model.index(ids.index(current) if current in ids else 0, 0))
        self.status.setText(self._status_text(query, hits, spelled))

    def _status_text(self, query: str, hits: list[Hit], spelled: bool) -> str:
        text = _status_text(query, hits, self._enter, spelled)
        return f"{text}\n{self._missing}" if self._missing and not (hits and spelled) else text

    def _show_results(self, visible: bool) -> None:
        self.view.setVisible(visible)
        self.status.setVisible(visible)

    def _choose_row(self, row: int) -> None:
        if not 0 <= row < self.model.rowCount():
            return
        member_id = self.model.hit(row).member.id
        self._show_results(False)
        self.member_chosen.emit(member_id)

    def _move(self, step: int) -> None:
        if not self.view.isVisible() and self.model.rowCount():
            self._show_results(True)
        rows = self.model.rowCount()
        if not rows:
            return
        row = self.view.currentIndex().row()
        row = max(0, min(rows - 1, (row if row >= 0 else -1) + step))
        self.view.setCurrentIndex(self.model.index(row, 0))
        self.view.scrollTo(self.model.index(row, 0))
        announce(self.field, self._hit_text(row))

    def _hit_text(self, row: int) -> str:
        """The result on ``row`` as a screen reader says it: « Nivelles, Commune, catégorie 5
        (2 sur 12) »."""
        hit = self.model.hit(row)
        category = hit.decision.category
        return (
            f"{self.model.data(self.model.index(row, 0))}, {hit.member.kind.label}, "
            f"{category_title(category).lower() if category else 'catégorie à choisir'} "
            f"({row + 1} sur {self.model.rowCount()})"
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.field and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key == Qt.Key.Key_Down:
                self._move(1)
                return True
            if key == Qt.Key.Key_Up:
                self._move(-1)
                return True
            if key == Qt.Key.Key_PageDown:
                self._move(10)
                return True
            if key == Qt.Key.Key_PageUp:
                self._move(-10)
                return True
            if key == Qt.Key.Key_Escape and (self.field.text() or self.view.isVisible()):
                self.clear()
                return True
        return super().eventFilter(watched, event)


class _ResultsTree(QTreeView):
    """The results. A name longer than its column (« ZP 5267 Nivelles/Genappe » with Linux's
    larger font, where the type and the category take more room) takes two lines rather than
    « … », its row as tall as it wraps.

    Sizing rows costs at every keystroke: while every name fits on one line the rows are of
    one height, laid out from the first alone (see also ``_NameDelegate``)."""

    def __init__(self) -> None:
        super().__init__()
        self.names = _NameDelegate(self)
        # while a name has a word wider than its column: the same, breaking that word (a Python
        # call at each name drawn, which every other search does without)
        self._breaking = _BreakingNameDelegate(self)
        self.setItemDelegate(self.names)
        self.setUniformRowHeights(True)
        self.header().sectionResized.connect(self._name_resized)

    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        if model is not None:  # after the view's own slot: before the rows are laid out
            model.modelReset.connect(self._fit_rows)

    def _fit_rows(self, width: int | None = None) -> None:
        model = self.model()
        shown = model.names() if isinstance(model, MemberHitsModel) else [
            str(model.index(row, 0).data() or "") for row in range(model.rowCount())
        ]
        width = self.header().sectionSize(0) if width is None else width
        measured = self.names.measure(shown, width, self.font().key())
        wrap = not all(fits for fits, _ in measured)
        breaking = any(wider for _, wider in measured)
        if breaking != (self.itemDelegateForColumn(0) is self._breaking):
            self.setItemDelegateForColumn(0, self._breaking if breaking else self.names)
        if wrap == self.uniformRowHeights():
            self.setWordWrap(wrap)
            self.setUniformRowHeights(not wrap)

    def _name_resized(self, column: int, _old: int, new: int) -> None:
        if column == 0:  # the header still gives the old width while it says the new one
            self._fit_rows(new)
            self.scheduleDelayedItemsLayout()  # heights follow the new width


class _NameDelegate(WrapDelegate):
    """The member's name wraps at its column's width (a word wider than the column broken
    where its line ends by ``_BreakingNameDelegate``, « DG (Hilfeleistungs » then « zone DG,
    … »); the type and the category keep a line.

    A row of one line is sized without laying its text out, and a name that wraps is laid out
    once for a width and a font, as whether a name fits is measured once: typing a name letter
    by letter lists the same members again, and two text layouts for each of the 50 rows' cells
    made the results paint slower."""

    def __init__(self, view: QTreeView) -> None:
        super().__init__(view)
        self._line: dict[str, QSize] = {}  # a row of one line, by font
        self._wrapped: dict[tuple[str, int, str], QSize] = {}  # (name, width, font) -> size
        self._measured: dict[str, dict[tuple[str, int], tuple[bool, bool]]] = {}  # see ``measure``

    def fits(self, index: QModelIndex | QPersistentModelIndex, width: int | None = None) -> bool:
        """The name of ``index`` shows whole on one line, in its column or in one ``width``
        wide (see ``measure``)."""
        width = self.cell_width(index) if width is None else width
        return self.measure([str(index.data() or "")], width, self._view.font().key())[0][0]

    def measure(self, names: Sequence[str], width: int, font: str) -> list[tuple[bool, bool]]:
        """For each name, in a column ``width`` wide, in the view's font (``font``, its key):
        (it shows whole on one line, with the style's text margins and a little more: a name
        this close to the edge is measured as the style wraps it; a word of it is wider than
        the column: the style would cut it, it must be broken, ``_BreakingNameDelegate``).
        Measured once for a name, a width and a font, as the results are listed again at each
        letter typed."""
        known = self._measured.get(font)
        if known is None or len(known) > 4000:
            known = self._measured[font] = {}
        out = []
        metrics = None
        for name in names:
            found = known.get((name, width))
            if found is None:
                if metrics is None:
                    metrics = self._view.fontMetrics()
                    line_room = width - 4 * (metrics.averageCharWidth() + 1)
                    word_room = self.text_width(width) - 1
                fits = metrics.horizontalAdvance(name) <= line_room
                wider = not fits and any(metrics.horizontalAdvance(word) > word_room for word in name.split())
                found = known[name, width] = (fits, wider)
            out.append(found)
        return out

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        font = option.font.key()
        line = self._line.get(font)
        if line is None:
            line = self._line[font] = super(WrapDelegate, self).sizeHint(option, index)
        if index.column() != 0:
            return line
        key = (str(index.data() or ""), self.cell_width(index), font)
        if self.measure([key[0]], key[1], font)[0][0]:
            return line
        size = self._wrapped.get(key)
        if size is None:
            if len(self._wrapped) > 2000:
                self._wrapped.clear()
            size = super().sizeHint(option, index)
            if size.height() < line.height() + option.fontMetrics.lineSpacing():
                size = line  # a name just short of the edge: one line after all, as tall as the others
            self._wrapped[key] = size
        return size

    def cell_width(self, index: QModelIndex | QPersistentModelIndex) -> int:
        return self._view.header().sectionSize(0) if index.column() == 0 else 0


class _BreakingNameDelegate(_NameDelegate):
    """``_NameDelegate`` while the names wrap: a word wider than the column breaks where its
    line ends, the text drawn worked out once for a name, a width and a font."""

    def __init__(self, view: QTreeView) -> None:
        super().__init__(view)
        self._broken: dict[tuple[str, int, str], str] = {}  # (name, width, font) -> text drawn

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        """The name as drawn and sized when names wrap: a word wider than its column, which
        the style wraps at spaces only, otherwise cut to « (Hilfeleistungs… », breaks."""
        super().initStyleOption(option, index)
        # the names' column alone, and only while one of them has a word to break
        # (``_ResultsTree._fit_rows``): no test of the column nor of the flags at each cell
        key = (option.text, self._view.header().sectionSize(0), option.font.key())
        text = self._broken.get(key)
        if text is None:
            if len(self._broken) > 2000:
                self._broken.clear()
            room = self.text_width(key[1]) - 1  # a pixel for the rounding of the text's layout
            text = self._broken[key] = break_long_words(option.text, QFontMetricsF(option.font), room)
        option.text = text


def _status_text(query: str, hits: list[Hit], enter: str, spelled: bool = True) -> str:
    if not hits:
        return (
            f"Aucun membre ne correspond à « {shown(query)} ». Essayez le code postal, le code NIS "
            "ou le numéro de zone."
        )
    if not spelled:  # one slip away: said as such, so that « namr » is not taken for a name
        return (
            f"Aucun membre ne s'écrit « {shown(query)} » : voici les plus proches. ↑↓ puis "
            f"Entrée pour {enter}"
        )
    if len(hits) >= SEARCH_LIMIT:  # more may match: the search stopped there
        found = f"Les {len(hits)} premiers membres : précisez la recherche."
    else:
        found = f"{len(hits)} membre{'s' if len(hits) > 1 else ''} —"
    return f"{found} ↑↓ puis Entrée pour {enter}"


def _search(index: MemberIndex, tariff: Tariff, query: str) -> tuple[str, list[Hit], bool]:
    """Worker side: the hits, with the query they answer and whether they match it as typed
    (not only one slip away)."""
    hits = search_hits(index, tariff, query)
    return query, hits, not hits or index.spelled(query)
