"""Qt item models: thin adapters over core lists (checked with ``qtmodeltester``).

Models hold core values and show them; money texts come from ``MoneyText`` (babel), never
from string formatting here. No model computes anything the engine already computed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QFont

from desktop.core.catalogue import Family, Product, Tariff
from desktop.core.members import InstalledProduct, MemberKind
from desktop.core.quote import LineStatus, Notice, Quote, QuoteLine, Severity, TotalsCoverage
from desktop.ui.backend import Hit
from desktop.ui.money import NOT_PRICED, MoneyText
from desktop.ui.tones import Tone, colour, surface
from desktop.ui.wrap import keep_codes

if TYPE_CHECKING:  # read only when an offer list is shown
    from desktop.core.offers import OfferSummary

Index = QModelIndex | QPersistentModelIndex
DISPLAY = Qt.ItemDataRole.DisplayRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole


def plain_tip(lines: Iterable[str]) -> str:
    """A tooltip of ``lines`` shown as typed: Qt would read « ASBL <b>Les Amis</b> » in a
    member's name as markup."""
    return "<qt>" + "<br>".join(escape(line) for line in lines) + "</qt>"
ALIGN = Qt.ItemDataRole.TextAlignmentRole
FOREGROUND = Qt.ItemDataRole.ForegroundRole
BACKGROUND = Qt.ItemDataRole.BackgroundRole
FONT = Qt.ItemDataRole.FontRole
USER = Qt.ItemDataRole.UserRole
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def _tone(tone: Tone) -> QBrush:
    """The text of a cell in ``tone``, from the palette in use (light or dark)."""
    return QBrush(colour(tone, on_base=True))


def _bold() -> QFont:
    f = QFont()
    f.setBold(True)
    return f


# --------------------------------------------------------------------------- search hits


class MemberHitsModel(QAbstractTableModel):
    """Search results: name, kind, category."""

    HEADERS = ("Membre", "Type", "Catégorie")
    MemberIdRole = USER + 1

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._hits: list[Hit] = []

    def set_hits(self, hits: Sequence[Hit]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self.endResetModel()

    def hit(self, row: int) -> Hit:
        return self._hits[row]

    def names(self) -> list[str]:
        """The names the first column shows, row by row (as ``data`` gives them)."""
        return [_shown_name(hit) for hit in self._hits]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._hits)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == DISPLAY and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        m, col = hit.member, index.column()
        if role == DISPLAY:
            if col == 0:
                return _shown_name(hit)
            if col == 1:
                return m.kind.short_label  # the full label is in the tooltip
            if col == 2:
                return hit.decision.category or "à choisir"
        elif role == TOOLTIP:
            bits = [m.display_name, m.kind.label]
            if hit.former:
                bits.append(hit.former[:1].upper() + hit.former[1:])
            if m.postcodes:
                bits.append("Code postal : " + ", ".join(m.postcodes))
            if m.nis:
                bits.append(f"NIS : {m.nis}")
            bits.extend(hit.decision.trace)
            return plain_tip(bits)
        elif role == FOREGROUND and col == 2 and not hit.decision.decided:
            return _tone(Tone.WARNING)
        elif role == self.MemberIdRole:
            return m.id
        return None


def _shown_name(hit: Hit) -> str:
    m = hit.member
    # « Hainaut-Centre », not « Zone de secours Hai… » twice in a narrow column: the Type
    # column already says « Zone sec. »
    name = m.name if m.kind is MemberKind.ZONE_DE_SECOURS else m.display_name
    # « Bastogne — anciennement Bertogne »: why a name not typed is listed
    return keep_codes(f"{name} — {hit.former}") if hit.former else name


# --------------------------------------------------------------------------- catalogue


class CatalogueModel(QAbstractItemModel):
    """The tariff's products grouped by family, in catalogue order (a two-level tree)."""

    ProductCodeRole = USER + 1
    HEADERS = ("Produit",)

    def __init__(self, tariff: Tariff, parent: Any = None) -> None:
        super().__init__(parent)
        self._read(tariff)

    def _read(self, tariff: Tariff) -> None:
        groups: dict[Family, list[Product]] = {f: [] for f in Family}
        for p in sorted(tariff.products.values(), key=lambda p: p.order):
            groups.setdefault(p.family, []).append(p)
        self._families = [f for f in groups if groups[f]]
        self._products = [groups[f] for f in self._families]
        self._tariff = tariff

    def set_tariff(self, tariff: Tariff) -> None:
        """Another catalogue (imported from head office)."""
        self.beginResetModel()
        self._read(tariff)
        self.endResetModel()

    # internalId: 0 for a family row, family position + 1 for a product row
    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        if parent.internalId() == 0:
            return self.createIndex(row, column, parent.row() + 1)
        return QModelIndex()

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(int(index.internalId()) - 1, 0, 0)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._families)
        if parent.internalId() == 0 and parent.column() == 0:
            return len(self._products[parent.row()])
        return 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 1

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == DISPLAY and section == 0:
            return self.HEADERS[0]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if index.internalId() == 0:
            return Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def product(self, index: Index) -> Product | None:
        if not index.isValid() or index.internalId() == 0:
            return None
        return self._products[int(index.internalId()) - 1][index.row()]

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == 0:
            family = self._families[index.row()]
            if role == DISPLAY:
                return family.label
            if role == FONT:
                return _bold()
            return None
        p = self.product(index)
        if p is None:
            return None
        if role == DISPLAY:
            return p.name
        if role == TOOLTIP:
            bits = [p.name]
            if p.description:
                bits.append(p.description)
            if p.parent and p.parent in self._tariff.products:
                bits.append(f"Option de {self._tariff.products[p.parent].name}")
            if p.parameters:
                bits.append("Demande : " + ", ".join(x.label or x.key for x in p.parameters))
            if p.to_confirm:
                bits.append(p.to_confirm)
            return "\n".join(bits)
        if role == self.ProductCodeRole:
            return p.code
        if role == USER + 2:  # filter text: name, code, aliases, family
            return " ".join((p.name, p.code, *p.aliases, *p.former_names, p.description))
        return None


# --------------------------------------------------------------------------- quote lines


class QuoteLinesModel(QAbstractTableModel):
    """The offer's lines as the engine priced them."""

    HEADERS = ("Produit", "Paramètres", "Coût unique", "Annuel", "Jours", "Statut")
    PRODUCT, PARAMS, ONE_TIME, ANNUAL, DAYS, STATUS = range(6)

    def __init__(self, money: MoneyText, tariff: Tariff, parent: Any = None) -> None:
        super().__init__(parent)
        self._money = money
        self._tariff = tariff
        self._lines: list[QuoteLine] = []
        # per line: its own notices, then those about the offer as a whole that concern it
        # (an option without its product, two products that exclude each other, one twice)
        self._notices: list[tuple[Notice, ...]] = []

    def set_tariff(self, tariff: Tariff) -> None:
        self.beginResetModel()
        self._tariff = tariff
        self.endResetModel()

    def set_quote(self, quote: Quote | None) -> None:
        new = list(quote.lines) if quote is not None else []
        notices = [line.notices for line in new]
        if quote is not None and quote.notices:
            from desktop.core.pricing import rule_products  # loaded with the quote's engine

            for notice in quote.notices:
                concerned = rule_products(self._tariff, notice.code)
                for row, line in enumerate(new):
                    if line.product in concerned:
                        notices[row] += (notice,)
        if len(new) == len(self._lines):
            self._lines, self._notices = new, notices
            if new:
                self.dataChanged.emit(self.index(0, 0), self.index(len(new) - 1, len(self.HEADERS) - 1))
            return
        self.beginResetModel()
        self._lines, self._notices = new, notices
        self.endResetModel()

    def line(self, row: int) -> QuoteLine:
        return self._lines[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.HEADERS):
            if role == DISPLAY:
                return self.HEADERS[section]
            if role == ALIGN and section in (self.ONE_TIME, self.ANNUAL, self.DAYS):
                return RIGHT
        return None

    def params_text(self, line: QuoteLine) -> str:
        product = self._tariff.products.get(line.product)
        bits = []
        # in the catalogue's order (a stored offer may keep its parameters in another one)
        order = {p.key: i for i, p in enumerate(product.parameters)} if product else {}
        for key, value in sorted(line.params.items(), key=lambda kv: order.get(kv[0], len(order))):
            p = product.parameter(key) if product else None
            unit = p.unit if p and p.unit else (p.label if p and p.label else key).lower()
            if abs(value) < 2:  # French is singular below 2 (0,5 jour, 1 école), word by word
                unit = " ".join(w[:-1] if w.endswith("s") and len(w) > 3 else w for w in unit.split(" "))
            bits.append(f"{self._money.number(value)} {unit}".strip())
        return ", ".join(bits)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._lines):
            return None
        line, col = self._lines[index.row()], index.column()
        notices = self._notices[index.row()]
        if role == DISPLAY:
            return self._display(line, col, notices)
        if role == ALIGN and col in (self.ONE_TIME, self.ANNUAL, self.DAYS):
            return RIGHT
        if role == FOREGROUND:
            if col in (self.ONE_TIME, self.ANNUAL) and self._amount(line, col) is None:
                return _tone(Tone.WARNING)
            if col == self.STATUS and line.status is not LineStatus.PRICED:
                return _tone(Tone.WARNING)
            if col == self.PRODUCT and any(n.severity is Severity.BLOCKING for n in notices):
                return _tone(Tone.ERROR)
        if role == TOOLTIP:
            bits = [line.name]
            if line.discount:
                bits.append(f"Remise appliquée : {self._money.money(line.discount)}")
            bits.extend(n.message for n in notices)
            bits.extend(line.notes)
            return "\n".join(bits)
        return None

    def _amount(self, line: QuoteLine, col: int) -> Decimal | None:
        return line.one_time if col == self.ONE_TIME else line.annual

    def _display(self, line: QuoteLine, col: int, notices: tuple[Notice, ...]) -> str:
        if col == self.PRODUCT:
            marks = ""
            if notices:
                # the mark stays with the name's last word when a long name takes two lines
                marks = "\u00a0⚠" if any(n.severity is not Severity.INFO for n in notices) else "\u00a0ℹ"
            return line.name + marks
        if col == self.PARAMS:
            return self.params_text(line)
        if col in (self.ONE_TIME, self.ANNUAL):
            amount = self._amount(line, col)
            if amount is None:
                return "Sur devis"  # missing rows too (Urban for Provinces): the product rule
            if not amount:  # no such cost for the product (no set-up, no yearly fee)
                return "—"
            return self._money.money(amount)
        if col == self.DAYS:
            return self._money.number(line.setup_days, missing="")
        if col == self.STATUS:
            return line.status_label
        return ""


# --------------------------------------------------------------------------- years


class YearsModel(QAbstractTableModel):
    """Budget per year 1..N (year 1 = one-time + annual; then annual, indexed)."""

    HEADERS = ("Année", "Budget HTVA")

    def __init__(self, money: MoneyText, parent: Any = None) -> None:
        super().__init__(parent)
        self._money = money
        self._years: tuple[Decimal, ...] = ()
        self._coverage = TotalsCoverage()

    def set_quote(self, quote: Quote | None) -> None:
        self.beginResetModel()
        self._years = quote.totals.years if quote is not None else ()
        self._coverage = quote.coverage if quote is not None else TotalsCoverage()
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._years)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 2

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < 2:
            if role == DISPLAY:
                return self.HEADERS[section]
            if role == ALIGN and section == 1:
                return RIGHT
        return None

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._years):
            return None
        row, col = index.row(), index.column()
        if role == DISPLAY:
            if col == 0:
                return f"Année {row + 1}"
            if not self._coverage.year(row + 1):
                return NOT_PRICED  # nothing priced in that year: never 0,00 €
            text = self._money.money(self._years[row])
            return f"{text} (partiel)" if self._coverage.year_partial(row + 1) else text
        partial = self._coverage.year_partial(row + 1)  # iA.GPEC's set-up: year 1 only
        if role == ALIGN and col == 1:
            return RIGHT
        if role == FOREGROUND and col == 1 and partial:
            return _tone(Tone.WARNING)
        if role == TOOLTIP and partial:
            return "Partiel : les montants « Sur devis » ne sont pas compris."
        return None


# --------------------------------------------------------------------------- installed base


class InstalledModel(QAbstractListModel):
    def __init__(self, tariff: Tariff, money: MoneyText, parent: Any = None) -> None:
        super().__init__(parent)
        self._tariff = tariff
        self._money = money
        self._items: list[InstalledProduct] = []

    def set_tariff(self, tariff: Tariff) -> None:
        self.beginResetModel()
        self._tariff = tariff
        self.endResetModel()

    def set_items(self, items: Sequence[InstalledProduct]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def item(self, row: int) -> InstalledProduct:
        return self._items[row]

    def product_name(self, code: str) -> str:
        product = self._tariff.products.get(code)
        return product.name if product else code

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role == DISPLAY:
            name = self.product_name(item.product)
            since = f" depuis le {self._money.date(item.since)}" if item.since else ""
            return f"{name} — {item.state.label.lower()}{since}"
        return None


# --------------------------------------------------------------------------- notices


class NoticesModel(QAbstractListModel):
    """Every notice of the quote (quote-level first, then per line), most severe first."""

    CodeRole = USER + 1
    SeverityRole = USER + 2
    _ORDER = {Severity.BLOCKING: 0, Severity.WARNING: 1, Severity.INFO: 2}
    _PREFIX = {Severity.BLOCKING: "Bloquant : ", Severity.WARNING: "Attention : ", Severity.INFO: "Info : "}

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[tuple[str, Any]] = []  # (line name or "", Notice)

    def set_quote(self, quote: Quote | None) -> None:
        items: list[tuple[str, Any]] = []
        seen: set[tuple[str, str]] = set()
        if quote is not None:
            for n in quote.notices:
                items.append(("", n))
                seen.add((n.code, n.message))
            for line in quote.lines:
                for n in line.notices:
                    if (n.code, n.message) not in seen:
                        seen.add((n.code, n.message))
                        items.append((line.name, n))
        items.sort(key=lambda it: self._ORDER.get(it[1].severity, 3))
        self.beginResetModel()
        self._items = items
        self.endResetModel()

    def notice(self, row: int) -> Any:
        return self._items[row][1]

    def where(self, row: int) -> str:
        """The line the notice is about ("" for a quote-level notice)."""
        return str(self._items[row][0])

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        where, n = self._items[index.row()]
        if role == DISPLAY:
            head = f"{where} : " if where and where not in n.message else ""
            return self._PREFIX.get(n.severity, "") + head + n.message
        if role == FOREGROUND:
            if n.severity is Severity.BLOCKING:
                return _tone(Tone.ERROR)
            if n.severity is Severity.WARNING:
                return _tone(Tone.WARNING)
            return None
        if role == TOOLTIP:
            return n.message
        if role == self.CodeRole:
            return n.code
        if role == self.SeverityRole:
            return n.severity.value
        return None


# --------------------------------------------------------------------------- offers


class OffersModel(QAbstractTableModel):
    """Saved offers (``desktop.core.offers.OfferSummary``), most recent first."""

    HEADERS = ("Offre", "Membre", "Catégorie", "Modifiée", "Coût unique", "Annuel", "Année 1", "État")
    AMOUNTS = (4, 5, 6)
    OfferIdRole = USER + 1

    def __init__(self, money: MoneyText, parent: Any = None) -> None:
        super().__init__(parent)
        self._money = money
        self._rows: list[Any] = []
        self._outdated: dict[str, Any] = {}
        self._texts: list[tuple[str, ...] | None] = []

    def set_offers(self, offers: Sequence[Any], outdated: Mapping[str, Any] | None = None) -> None:
        """``outdated``: offer id -> ``OutdatedDraft`` (drafts whose tariff is no longer in force)."""
        self.beginResetModel()
        self._rows = list(offers)
        self._outdated = dict(outdated or {})
        self._texts = [None] * len(self._rows)
        self.endResetModel()

    def text(self, row: int, column: int) -> str:
        """What the cell shows; a row's texts are made once (babel formats its amounts)."""
        texts = self._texts[row]
        if texts is None:
            o = self._rows[row]
            texts = self._texts[row] = tuple(self._display(o, c) for c in range(len(self.HEADERS)))
        return texts[column]

    def outdated(self, offer_id: str) -> Any:
        """The ``OutdatedDraft`` of this offer, or None when its tariff is the one in force."""
        return self._outdated.get(offer_id)

    def offer(self, row: int) -> Any:
        return self._rows[row]

    def row_of(self, offer_id: str) -> int:
        for i, o in enumerate(self._rows):
            if o.id == offer_id:
                return i
        return -1

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.HEADERS):
            if role == DISPLAY:
                return self.HEADERS[section]
            if role == ALIGN and section in self.AMOUNTS:
                return RIGHT
        return None

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        o, col = self._rows[index.row()], index.column()
        if role == DISPLAY:
            return self.text(index.row(), col)
        if role == ALIGN and col in self.AMOUNTS:
            return RIGHT
        if role == TOOLTIP:
            bits = [o.label, o.member_name]
            stale = self._outdated.get(o.id)
            if stale is not None:
                bits.append(
                    f"Calculé sur le tarif {stale.tariff}, qui n'est plus en vigueur ({stale.active}) : "
                    "clic droit > Recalculer sur le tarif en vigueur…"
                )
            if o.partial:
                bits.append("* totaux partiels : certaines lignes sont sur devis")
            if o.valid_until:
                bits.append(f"Valable jusqu'au {self._money.date(o.valid_until)}")
            if o.predecessor:
                bits.append(f"Révision de {o.predecessor}")
            return plain_tip(b for b in bits if b)
        if role == FOREGROUND and col == 7:
            from desktop.core.offers import OfferState

            if o.id in self._outdated:  # a draft on a tariff no longer in force
                return QBrush(surface(Tone.WARNING)[1])
            if o.state is OfferState.EXPIREE or o.state is OfferState.REFUSEE:
                return _tone(Tone.MUTED)
        if role == BACKGROUND and col == 7 and o.id in self._outdated:
            return QBrush(surface(Tone.WARNING)[0])
        if role == self.OfferIdRole:
            return o.id
        return None

    def _display(self, o: OfferSummary, col: int) -> str:
        if col == 0:
            if o.number:
                return o.number
            return f"révision de {o.predecessor}" if o.predecessor else "—"
        if col == 1:
            return o.member_name or "—"
        if col == 2:
            return o.category or "—"
        if col == 3:  # with the time: several drafts of one day are told apart
            if not o.updated:
                return "—"
            local = o.updated.astimezone()
            return f"{self._money.date(local.date())} {local:%H:%M}"
        if col in self.AMOUNTS:
            amount = (o.one_time, o.annual, o.year1)[col - 4]
            if amount is None:
                return "—"
            cov = o.coverage
            priced = (cov.one_time, cov.annual, cov.year1)[col - 4]
            partial = (cov.one_time_partial, cov.annual_partial, cov.year1_partial)[col - 4]
            return self._money.total(amount, priced, partial)
        if o.id in self._outdated:
            return f"{o.state.label} · ancien tarif"
        return o.state.label
