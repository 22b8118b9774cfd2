"""The member card: who it is, its size with date and source, its category and why."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.core.categories import CategoryDecision, category_title
from desktop.core.format import agree, french_spaces
from desktop.core.members import Headcount, Member, MemberKind, MembershipStatus, merger_text
from desktop.ui.flow import FlowLayout
from desktop.ui.models import InstalledModel
from desktop.ui.money import MoneyText
from desktop.ui.tones import Tone, css, set_font, set_tone
from desktop.ui.wrap import keep_codes, keep_figures


def _held(markup: str) -> str:
    """The card's rich text with its figures whole and its French spaces unbroken: « source »
    at the end of a line and « : Statbel » on the next read as two things."""
    return keep_figures(french_spaces(markup))


def _section(title: str) -> QLabel:
    label = QLabel(title)
    label.setObjectName("sectionTitle")
    set_font(label, weight=600)
    label.setContentsMargins(0, 8, 0, 0)
    return label


class MemberCard(QWidget):
    edit_requested = Signal(str)
    category_requested = Signal(str)
    membership_requested = Signal(str)
    new_offer_requested = Signal(str)
    delete_requested = Signal(str)

    def __init__(
        self,
        money: MoneyText,
        installed: InstalledModel,
        parent: QWidget | None = None,
        lookup: Callable[[str], Member | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("memberCard")
        self._money = money
        self._lookup = lookup
        self._installed_model = installed
        self.member: Member | None = None
        self._decision: CategoryDecision | None = None

        self.empty = QLabel(
            "Aucun membre choisi.\n\nTapez quelques lettres du nom, un code postal, un code NIS "
            "ou un numéro de zone dans le champ de recherche (Ctrl+F)."
        )
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        set_tone(self.empty, Tone.MUTED)

        # A name, an address, a status are text as typed: « ASBL <b>Les Amis</b> » shows its
        # brackets, never bold. The size and the trace are rich text built with escape().
        self.title = QLabel()
        self.title.setObjectName("memberName")
        self.title.setWordWrap(True)
        set_font(self.title, weight=600, points=16)
        self.kind = QLabel()
        self.kind.setObjectName("memberKind")
        self.kind.setWordWrap(True)
        # a commune formed by a merger: the communes and codes old files still name
        self.merger = QLabel()
        self.merger.setObjectName("memberMerger")
        self.merger.setWordWrap(True)
        self.address = QLabel()
        self.address.setWordWrap(True)
        self.address.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.size_label = QLabel()
        self.size_label.setObjectName("memberSize")
        self.size_label.setWordWrap(True)
        self.category = QLabel()
        self.category.setObjectName("memberCategory")
        set_font(self.category, weight=600, points=13)
        self.trace = QLabel()
        self.trace.setObjectName("memberTrace")
        self.trace.setWordWrap(True)
        self.trace.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.membership = QLabel()
        self.membership.setObjectName("memberMembership")
        self.membership.setWordWrap(True)
        for label in (self.title, self.kind, self.merger, self.address, self.category, self.membership):
            label.setTextFormat(Qt.TextFormat.PlainText)
        self.membership_button = QPushButton("Changer…")
        self.membership_button.setObjectName("membershipButton")
        self.membership_button.setToolTip(
            "Statut d'affiliation : associé, adhésion en cours, ancien membre ou non membre"
        )
        self.membership_button.clicked.connect(lambda: self._emit(self.membership_requested))
        self.installed = QListView()
        self.installed.setObjectName("memberInstalled")
        self.installed.setModel(installed)
        self.installed.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.installed.setMaximumHeight(110)
        self.installed_empty = QLabel("Aucun produit iMio enregistré.")
        set_tone(self.installed_empty, Tone.MUTED)
        # a CPAS's discount reads its commune's products, not its own: said where they are
        self.discount_hint = QLabel()
        self.discount_hint.setObjectName("cpasDiscountHint")
        self.discount_hint.setTextFormat(Qt.TextFormat.PlainText)
        self.discount_hint.setWordWrap(True)
        set_tone(self.discount_hint, Tone.MUTED)

        self.edit_button = QPushButton("Modifier…")
        self.edit_button.setToolTip("Corriger la population ou les agents, l'adresse, les produits installés")
        self.category_button = QPushButton("Catégorie…")
        self.category_button.setToolTip("Choisir une autre catégorie, avec un motif")
        self.offer_button = QPushButton("Nouvelle offre")
        self.offer_button.setToolTip("Commencer une offre vide pour ce membre")
        self.edit_button.clicked.connect(lambda: self._emit(self.edit_requested))
        self.category_button.clicked.connect(lambda: self._emit(self.category_requested))
        self.offer_button.clicked.connect(lambda: self._emit(self.new_offer_requested))
        # a body created by mistake (or twice) can go; the reference directory cannot
        self.delete_button = QPushButton("Supprimer…")
        self.delete_button.setObjectName("deleteMemberButton")
        self.delete_button.setToolTip("Retirer de l'annuaire cet organisme créé à la main")
        self.delete_button.clicked.connect(lambda: self._emit(self.delete_requested))
        for button in (self.membership_button, self.edit_button, self.category_button, self.offer_button,
                       self.delete_button):
            button.setAutoDefault(True)  # Enter presses the focused button, as Space does
        buttons = FlowLayout()  # on two lines in a narrow panel, never cut at its edge
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.category_button)
        buttons.addWidget(self.offer_button)
        buttons.addWidget(self.delete_button)

        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(0, 0, 4, 0)
        lay.addWidget(self.title)
        lay.addWidget(self.kind)
        lay.addWidget(self.merger)
        lay.addWidget(self.address)
        lay.addWidget(_section("Taille"))
        lay.addWidget(self.size_label)
        lay.addWidget(_section("Catégorie tarifaire"))
        lay.addWidget(self.category)
        lay.addWidget(self.trace)
        lay.addWidget(_section("Affiliation"))
        membership_row = QHBoxLayout()
        membership_row.addWidget(self.membership, 1)
        membership_row.addWidget(self.membership_button, 0, Qt.AlignmentFlag.AlignTop)
        lay.addLayout(membership_row)
        lay.addWidget(_section("Produits iMio installés"))
        lay.addWidget(self.installed)
        lay.addWidget(self.installed_empty)
        lay.addWidget(self.discount_hint)
        lay.addLayout(buttons)
        lay.addStretch(1)
        self.body = body

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # no Tab stop of its own, which showed no focus at all: Tab goes straight to the card's
        # buttons, and the area scrolls to show the one that has the keyboard
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.empty)
        outer.addWidget(scroll, 1)
        self._scroll = scroll
        self.show_member(None, None)

    def _emit(self, signal: SignalInstance) -> None:
        if self.member is not None:
            signal.emit(self.member.id)

    def retone(self) -> None:
        """The hints of the size written again in the palette's colours (a switch to the dark
        theme)."""
        if self.member is not None and self._decision is not None:
            self.size_label.setText(_held(self._size_text(self.member, self._decision)))

    def show_member(self, member: Member | None, decision: CategoryDecision | None) -> None:
        self.member = member
        self._decision = decision
        self.empty.setVisible(member is None)
        self._scroll.setVisible(member is not None)
        if member is None or decision is None:
            return
        self.title.setText(member.display_name)
        bits = [member.kind.label]
        if member.nis:
            bits.append(f"NIS {member.nis}")
        if member.postcodes:
            codes = list(member.postcodes)
            more = len(codes) - 4
            shown = ", ".join(codes[:4]) + (f" et {more} {agree(more, 'autres')}" if more > 0 else "")
            bits.append(shown)
        if member.province:
            bits.append(f"province de {member.province}" if member.province[0].islower() else member.province)
        self.kind.setText(keep_codes(" · ".join(bits)))
        merger = self._merger_text(member)
        self.merger.setText(keep_codes(merger))
        self.merger.setVisible(bool(merger))
        self.address.setText(member.address or "Adresse non renseignée")
        set_tone(self.address, None if member.address else Tone.WARNING)
        self.size_label.setText(_held(self._size_text(member, decision)))
        if decision.category:
            text = category_title(decision.category)
            if decision.overridden:
                text += " (choisie à la main)"
            self.category.setText(text)
            set_tone(self.category, None)
        else:
            self.category.setText("Catégorie à choisir")
            set_tone(self.category, Tone.WARNING)
        self.trace.setText(_held("<br>".join(f"• {escape(t.replace(' -> ', ' → '))}" for t in decision.trace)))
        status = member.membership.status.label
        if member.membership.since:
            status += f" depuis le {self._money.date(member.membership.since)}"
        self.membership.setText(status)
        associated = member.membership.status is MembershipStatus.ASSOCIE
        set_tone(self.membership, None if associated else Tone.WARNING)
        font = self.membership.font()
        font.setWeight(QFont.Weight.Normal if associated else QFont.Weight.DemiBold)
        self.membership.setFont(font)
        has_installed = bool(member.installed)
        self.installed.setVisible(has_installed)
        self.installed_empty.setVisible(not has_installed)
        self.delete_button.setVisible(member.user_created)
        hint = self._discount_text(member)
        self.discount_hint.setText(french_spaces(hint))  # « Remise CPAS » and its « : » on one line
        self.discount_hint.setVisible(bool(hint))

    def _merger_text(self, member: Member) -> str:
        """A commune formed by a merger says so, with the former communes' names and NIS codes;
        a CPAS, of its commune (both found under a former name)."""
        commune: Member | None = member
        if member.kind is MemberKind.CPAS and member.commune_id and self._lookup is not None:
            commune = self._lookup(member.commune_id)
        if commune is None or not commune.former_communes:
            return ""
        return merger_text(commune, self._money.date(commune.former_communes[0].merged_on))

    def _discount_text(self, member: Member) -> str:
        if member.kind is not MemberKind.CPAS or not member.commune_id or self._lookup is None:
            return ""
        commune = self._lookup(member.commune_id)
        if commune is None:
            return ""
        codes = commune.in_production()  # what the discount reads (pricing.commune_products)
        if not codes:
            return (
                f"Remise CPAS : aucun produit en production n'est enregistré pour {commune.name}. "
                "S'il en a, indiquez-les sur la fiche de la commune."
            )
        names = sorted(self._installed_model.product_name(code) for code in codes)
        return f"Remise CPAS : selon les produits en production à {commune.name} — {', '.join(names)}."

    def _size_text(self, member: Member, decision: CategoryDecision) -> str:
        unit = member.kind.size_unit
        size = member.size
        borrowed = decision.deciding_member is not None and decision.deciding_member != member.id
        if (size is None or (borrowed and member.commune_id)) and self._lookup is not None:
            related = self._related_sizes(member)
            if related:
                # a CPAS has no figure of its own in the directory: its commune's counts
                if member.size_correction is not None:
                    related += _ignored(self._money, member.size_correction, unit)
                return related
        if size is None:
            return f"Nombre d'{unit} inconnu" if unit == "agents" else "Nombre d'habitants inconnu"
        text = f"{self._money.number(size.value)} {agree(size.value, unit)}" + escape(
            _origin(self._money, size)
        )
        if member.size_correction is not None and member.reference_size is not None:
            ref = member.reference_size
            text += (
                f"<br><span style='color:{css(Tone.MUTED)}'>Chiffre corrigé ; référence : "
                f"{self._money.number(ref.value)} {agree(ref.value, unit)}"
                f"{escape(_origin(self._money, ref))}</span>"
            )
        if member.commune_ids and self._lookup is not None:
            # a police zone takes the category of its most populous commune: show them all
            communes = self._communes_text(member)
            if communes:
                text += f"<br>{communes}"
            corrected = self._corrected_communes(member)
            if corrected and member.size_correction is None:
                # the zone's figure is the directory's sum: a commune corrected since is not in it
                names = escape(", ".join(corrected))
                said = (
                    f"la population corrigée de {names} n'y est pas comptée"
                    if len(corrected) == 1
                    else f"les populations corrigées de {names} n'y sont pas comptées"
                )
                text += (
                    f"<br><span style='color:{css(Tone.MUTED)}'>Chiffre de référence de la zone : "
                    f"{said}.</span>"
                )
        if borrowed and member.size_correction is not None:
            text += _ignored(self._money, member.size_correction, unit, figure_shown=True)
        return text

    def _related_sizes(self, member: Member) -> str:
        """A CPAS shows its commune's population; a zone, its communes'."""
        lookup = self._lookup
        assert lookup is not None
        if member.commune_id:
            commune = lookup(member.commune_id)
            if commune is not None and commune.size is not None:
                return (
                    f"Population de la commune ({escape(commune.name)}) : "
                    f"{self._money.number(commune.size.value)} {agree(commune.size.value, 'habitants')}"
                    + escape(_origin(self._money, commune.size))
                )
        return self._communes_text(member)

    def _corrected_communes(self, member: Member) -> list[str]:
        """The names of the zone's communes whose population was corrected."""
        assert self._lookup is not None
        communes = (self._lookup(i) for i in member.commune_ids)
        return [c.name for c in communes if c is not None and c.size_correction is not None]

    def _communes_text(self, member: Member) -> str:
        """'Communes (habitants) : Nivelles 28 883, Genappe 15 560', the most populous first."""
        lookup = self._lookup
        assert lookup is not None
        communes = [c for c in (lookup(i) for i in member.commune_ids) if c is not None]
        if not communes:
            return ""
        communes.sort(key=lambda c: -(c.size.value if c.size else 0))
        parts = [
            f"{escape(c.name)} {self._money.number(c.size.value)}" if c.size else escape(c.name)
            for c in communes[:6]
        ]
        left = len(communes) - 6
        more = f" et {left} {agree(left, 'autres')}" if left > 0 else ""
        title = "Communes" if len(communes) > 1 else "Commune"
        return f"{title} (habitants) : " + ", ".join(parts) + more


def _ignored(money: MoneyText, h: Headcount, unit: str, *, figure_shown: bool = False) -> str:
    """A correction recorded for a member whose category reads another member's figure
    (before such corrections were refused): said, with how to take it back."""
    what = "Ce chiffre corrigé" if figure_shown else (
        f"Chiffre corrigé de {money.number(h.value)} {agree(h.value, unit)}"
    )
    return (
        f"<br><span style='color:{css(Tone.WARNING)}'>{what} ne compte pas pour la catégorie : "
        "retirez-le avec « Modifier… ».</span>"
    )


def _origin(money: MoneyText, h: Headcount) -> str:
    bits = []
    if h.as_of:
        bits.append(f"au {money.date(h.as_of)}")
    if h.source:
        bits.append(f"source : {h.source}")
    return f" ({', '.join(bits)})" if bits else ""

