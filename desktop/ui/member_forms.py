"""Member forms: edit (size correction, address, installed base), create, choose a category.

Each form validates through core (``categories.correct_size``, ``Member.with_override``...) and
the store, and shows what is wrong next to the field. They are opened with ``open()``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.categories import category_title, correct_size, size_read_elsewhere
from desktop.core.errors import InvalidInput
from desktop.core.format import agree
from desktop.core.inputs import MAX_YEAR, MIN_YEAR
from desktop.core.members import (
    InstalledProduct,
    InstallState,
    Member,
    MemberKind,
    MembershipStatus,
    check_count_date,
    clean_address,
    clean_name,
    clean_source,
    parse_headcount,
)
from desktop.ui.backend import Backend
from desktop.ui.dates import format_date, parse_date
from desktop.ui.form import FormDialog, hint, plain_enter
from desktop.ui.money import MoneyText


def _date_edit(value: date | None = None) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setDateRange(QDate(MIN_YEAR, 1, 1), QDate(MAX_YEAR, 12, 31))  # as typed dates are
    d = value or date.today()
    edit.setDate(QDate(d.year, d.month, d.day))
    return edit


def _current_text(member: Member, money: MoneyText) -> str:
    """« Chiffre actuel : 28 883 habitants (Statbel) »."""
    unit = member.kind.size_unit
    current = member.size
    if current is None:
        return f"Nombre d'{unit} inconnu" if unit == "agents" else "Nombre d'habitants inconnu"
    source = f" ({current.source})" if current.source else ""
    return f"Chiffre actuel : {money.number(current.value)} {agree(current.value, unit)}{source}"


def _full_width(widget: QWidget) -> QWidget:
    """``widget`` at its own width in a row as wide as the form (the focus goes to it)."""
    row = QWidget()
    lay = QHBoxLayout(row)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.addWidget(widget)
    lay.addStretch(1)
    row.setFocusProxy(widget)
    return row


def _py_date(edit: QDateEdit) -> date:
    q = edit.date()
    return date(q.year(), q.month(), q.day())


class _MemberDialog(FormDialog):
    """A form about one member: ``on_saved(member)`` once the store has it."""

    def __init__(
        self,
        title: str,
        name: str,
        member: Member,
        backend: Backend,
        on_saved: Callable[[Member], None],
        parent: QWidget | None,
    ) -> None:
        super().__init__(f"{title} — {member.display_name}", parent)
        self.setObjectName(name)
        self.member = member
        self.backend = backend
        self._on_saved = on_saved


class MemberEditDialog(_MemberDialog):
    def __init__(
        self,
        member: Member,
        backend: Backend,
        money: MoneyText,
        on_saved: Callable[[Member], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Modifier", "memberEditDialog", member, backend, on_saved, parent)
        unit = member.kind.size_unit

        # a body created on this laptop: its name, typed at its creation, can be corrected
        # (the directory's names are reference data)
        self.name: QLineEdit | None = None
        if member.user_created:
            self.name = QLineEdit(member.name)
            self.name.setObjectName("name")
            self.errors.add_row("Nom :", self.name, "name")

        self.address = QLineEdit(member.address)
        self.address.setObjectName("address")
        self.address.setPlaceholderText("Rue, numéro, code postal et localité")
        self.errors.add_row("Adresse :", self.address, "address")

        # Which figure makes the category is tariff data: a CPAS or a police zone reads its
        # communes', so its own is not offered for correction (it would change nothing).
        elsewhere = size_read_elsewhere(member, backend.tariff.categories, backend.member)
        self.size_field: QLineEdit | None = None
        self.as_of: QDateEdit | None = None
        self.source: QLineEdit | None = None
        self.back_to_reference: QCheckBox | None = None
        if elsewhere is not None:
            self.outer.insertWidget(1, hint(elsewhere))
        else:
            self.outer.insertWidget(1, hint(_current_text(member, money)))
            self.size_field = QLineEdit()
            self.size_field.setObjectName("size")
            self.size_field.setPlaceholderText(
                "nouveau nombre d'agents" if unit == "agents" else "nouveau nombre d'habitants"
            )
            self.errors.add_row(
                f"Corriger le nombre d'{unit} :" if unit == "agents" else "Corriger la population :",
                self.size_field,
                "size",
                "value",
            )
            self.as_of = _date_edit(backend.today())
            self.as_of.setObjectName("as_of")
            ref = member.reference_size
            self.errors.add_row(
                "Chiffre au :",
                _full_width(self.as_of),  # its hint and errors wrap at the form's width
                "as_of",
                hint_text=(
                    f"du {money.date(ref.as_of)} (chiffre de référence) à aujourd'hui"
                    if ref is not None and ref.as_of is not None
                    else "au plus tard aujourd'hui"
                ),
            )
            self.source = QLineEdit()
            self.source.setObjectName("source")
            self.source.setPlaceholderText("par exemple : Statbel 1/1/2025, courriel du DG")
            self.errors.add_row("Source du chiffre :", self.source, "source")
        if member.size_correction is not None:
            # a correction made earlier, kept until it is taken back here
            ref = member.reference_size
            self.back_to_reference = QCheckBox(
                f"Revenir au chiffre de référence : {money.number(ref.value)} "
                f"{agree(ref.value, unit)}" + (f" ({ref.source})" if ref.source else "")
                if ref is not None
                else "Retirer le chiffre corrigé"
            )
            self.back_to_reference.setObjectName("backToReference")
            self.back_to_reference.toggled.connect(self._back_toggled)
            self.errors.add_row("", self.back_to_reference, "back_to_reference")

        self.installed = list(member.installed)
        self.installed_list = QListWidget()
        self.installed_list.setObjectName("installed")
        self.installed_list.setMaximumHeight(120)
        self.installed_list.setAccessibleName("Produits installés")
        self._money = money
        self._fill_installed()
        remove = QPushButton("Retirer")
        remove.clicked.connect(self._remove_installed)
        self.product = QComboBox()
        self.product.setObjectName("installedProduct")
        self.product.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.product.setMinimumContentsLength(28)  # long product names: the list drops wider
        self.product.setAccessibleName("Produit installé à ajouter")
        for p in backend.tariff.products.values():
            if p.kind != "service":
                self.product.addItem(p.name, p.code)
        view = self.product.view()
        view.setMinimumWidth(view.sizeHintForColumn(0) + 24)
        self.state = QComboBox()
        self.state.setObjectName("installedState")
        self.state.setAccessibleName("État du produit installé")
        for s in InstallState:
            self.state.addItem(s.label, s.value)
        self.since = _date_edit()
        self.since.setAccessibleName("Installé depuis le")
        add = QPushButton("Ajouter")
        add.setObjectName("addInstalled")
        add.clicked.connect(self._add_installed)
        # Enter on the product to add, its state or its date adds it, as « Ajouter » would: it
        # saved and closed the form without the product chosen
        self._adding = (self.product, self.state, self.since)
        for widget in self._adding:
            widget.installEventFilter(self)
        row = QHBoxLayout()
        row.addWidget(self.product, 1)
        row.addWidget(self.state)
        row.addWidget(QLabel("depuis"))
        row.addWidget(self.since)
        row.addWidget(add)
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.installed_list, 1)
        top.addWidget(remove)
        lay.addLayout(top)
        lay.addLayout(row)
        self.errors.add_row("Produits installés :", box, "installed")
        self.finish_layout()
        self.set_form_width(620)

    def _back_toggled(self, back: bool) -> None:
        for widget in (self.size_field, self.as_of, self.source):
            if widget is not None:
                widget.setEnabled(not back)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched in self._adding and plain_enter(event):
            self._add_installed()
            return True
        return super().eventFilter(watched, event)

    def _fill_installed(self) -> None:
        self.installed_list.clear()
        for item in self.installed:
            p = self.backend.tariff.products.get(item.product)
            name = p.name if p else item.product
            since = f" depuis le {self._money.date(item.since)}" if item.since else ""
            QListWidgetItem(f"{name} — {item.state.label.lower()}{since}", self.installed_list)

    def _add_installed(self) -> None:
        code = self.product.currentData()
        if any(i.product == code for i in self.installed):
            self.errors.show(InvalidInput("Ce produit figure déjà dans la liste.", field="installed"))
            return
        self.installed.append(
            InstalledProduct(code, InstallState(self.state.currentData()), _py_date(self.since))
        )
        self._fill_installed()

    def _remove_installed(self) -> None:
        row = self.installed_list.currentRow()
        if 0 <= row < len(self.installed):
            del self.installed[row]
            self._fill_installed()

    def submit(self) -> None:
        address = self.address.text().strip()
        if address != self.member.address.strip():
            address = clean_address(address)
        m = replace(self.member, address=address, installed=tuple(self.installed))
        if self.name is not None and self.name.text() != self.member.name:
            m = replace(m, name=self.name.text())
        if self.back_to_reference is not None and self.back_to_reference.isChecked():
            m = m.without_size_correction()
        elif self.size_field is not None and self.size_field.text().strip():
            assert self.as_of is not None and self.source is not None
            what = "Nombre d'agents" if m.kind.size_unit == "agents" else "Population"
            value = parse_headcount(self.size_field.text(), "size", what)
            m = correct_size(
                m,
                self.backend.tariff.categories,
                self.backend.member,
                value,
                _py_date(self.as_of),
                self.source.text(),
                today=self.backend.today(),
            )
        elif self.source is not None and self.source.text().strip():
            raise InvalidInput("Indiquez le chiffre corrigé, ou videz la source.", field="size")
        saved = self.backend.save_member(m)
        self._on_saved(saved)


CREATABLE = (MemberKind.INTERCOMMUNALE, MemberKind.RCA, MemberKind.AUTRE)


class MemberCreateDialog(FormDialog):
    def __init__(
        self, backend: Backend, on_saved: Callable[[Member], None], parent: QWidget | None = None
    ) -> None:
        super().__init__("Nouveau membre", parent, ok_text="Créer")
        self.setObjectName("memberCreateDialog")
        self.backend = backend
        self._on_saved = on_saved
        self.kind = QComboBox()
        self.kind.setObjectName("kind")
        for k in CREATABLE:
            self.kind.addItem(k.label, k.value)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.errors.add_row("Type :", self.kind, "kind")
        self.name = QLineEdit()
        self.name.setObjectName("name")
        self.errors.add_row("Nom :", self.name, "name")
        self.address = QLineEdit()
        self.address.setObjectName("address")
        self.address.setPlaceholderText("Rue, numéro, code postal et localité")
        self.errors.add_row("Adresse :", self.address, "address")
        self.agents = QLineEdit()
        self.agents.setObjectName("agents")
        self.agents_label = "Nombre d'agents :"
        self.errors.add_row(self.agents_label, self.agents, "agents", "size", "value")
        self.as_of = _date_edit()
        self.errors.add_row("Chiffre au :", self.as_of, "as_of")
        self.source = QLineEdit()
        self.source.setObjectName("source")
        self.source.setPlaceholderText("par exemple : rapport annuel 2025")
        self.errors.add_row("Source du chiffre :", self.source, "source")
        self.category = QComboBox()
        self.category.setObjectName("category")
        self.category.addItem("Selon le nombre d'agents", None)
        for c in backend.categories:
            self.category.addItem(c, c)
        self.errors.add_row("Catégorie :", self.category, "category")
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText("obligatoire si vous choisissez la catégorie")
        self.errors.add_row("Motif de la catégorie :", self.reason, "reason")
        self.rule = hint("")
        self.outer.insertWidget(1, self.rule)
        self.finish_layout()
        self.set_form_width(520)
        self._kind_changed()

    def _kind_changed(self) -> None:
        kind = MemberKind(self.kind.currentData())
        agents = kind.counts_agents
        self.category.setItemText(0, "Selon le nombre d'agents" if agents else "À choisir")
        self.agents.setPlaceholderText("" if agents else "facultatif : aucune règle ne s'en sert")
        if agents:
            self.rule.setText(
                "La catégorie d'une intercommunale ou d'une RCA suit son nombre d'agents "
                "(0-25 : 1, 26-50 : 2, 51-75 : 3, 76-100 : 4, 101 et plus : 5)."
            )
        else:
            self.rule.setText(
                "Pas de règle automatique pour ce type : choisissez la catégorie et donnez le motif."
            )

    def submit(self) -> None:
        kind = MemberKind(self.kind.currentData())
        name = clean_name(self.name.text())
        address = clean_address(self.address.text())
        agents: int | None = None
        if self.agents.text().strip():
            agents = parse_headcount(self.agents.text(), "agents", "Nombre d'agents")
        elif kind.counts_agents:
            raise InvalidInput(
                "Indiquez le nombre d'agents : il détermine la catégorie.", field="agents"
            )
        if agents is not None and not self.source.text().strip():
            raise InvalidInput("Indiquez la source du nombre d'agents.", field="source")
        source = clean_source(self.source.text())
        category = self.category.currentData()
        reason = self.reason.text().strip()
        if kind is MemberKind.AUTRE and category is None:
            raise InvalidInput("Choisissez la catégorie de cet organisme.", field="category")
        if category is not None and not reason:
            raise InvalidInput(
                "Une catégorie choisie à la main doit être justifiée : indiquez le motif.",
                field="reason",
            )
        as_of = check_count_date(_py_date(self.as_of), self.backend.today()) if agents is not None else None
        member = self.backend.create_member(
            kind=kind,
            name=name,
            address=address,
            size=agents,
            as_of=as_of,
            source=source,
            category=category,
            reason=reason,
        )
        self._on_saved(member)


class CategoryDialog(_MemberDialog):
    """Choose a category by hand (with a mandatory reason), or go back to the derived one."""

    def __init__(
        self,
        member: Member,
        backend: Backend,
        on_saved: Callable[[Member], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Catégorie", "categoryDialog", member, backend, on_saved, parent)
        decision = backend.decision(member)
        derived = decision.derived
        self.outer.insertWidget(
            1,
            hint(
                "Selon les règles : "
                + (category_title(derived).lower() if derived else "aucune catégorie (à choisir)")
                + "\n"
                + "\n".join(decision.trace)
            ),
        )
        self.category = QComboBox()
        self.category.setObjectName("category")
        if derived:
            self.category.addItem(f"Selon les règles ({category_title(derived).lower()})", None)
        for c in backend.categories:
            self.category.addItem(category_title(c), c)
        if member.category_override:
            i = self.category.findData(member.category_override.category)
            if i >= 0:
                self.category.setCurrentIndex(i)
        self.errors.add_row("Catégorie :", self.category, "category")
        self.reason = QLineEdit(member.category_override.reason if member.category_override else "")
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText("obligatoire : pourquoi cette catégorie ?")
        self.errors.add_row("Motif :", self.reason, "reason")
        self.finish_layout()
        self.set_form_width(520)

    def submit(self) -> None:
        chosen = self.category.currentData()
        updated = self.member.with_override(chosen, self.reason.text())
        self._on_saved(self.backend.save_member(updated))


class MembershipDialog(_MemberDialog):
    """Membership status (associé, adhésion en cours, ancien membre, non membre) and since when."""

    SINCE_HINTS = {
        MembershipStatus.ASSOCIE: "date d'affiliation ; laissez vide si vous ne la connaissez pas",
        MembershipStatus.ADHESION_EN_COURS: "date de la demande d'adhésion ; facultative",
        MembershipStatus.ANCIEN_MEMBRE: "date de départ ; facultative",
        MembershipStatus.NON_MEMBRE: "pas de date pour un non-membre",
    }

    def __init__(
        self,
        member: Member,
        backend: Backend,
        on_saved: Callable[[Member], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Affiliation", "membershipDialog", member, backend, on_saved, parent)
        self.status = QComboBox()
        self.status.setObjectName("membershipStatus")
        for s in MembershipStatus:
            self.status.addItem(s.label, s.value)
        self.status.setCurrentIndex(self.status.findData(member.membership.status.value))
        self.errors.add_row("Statut :", self.status, "membership_status")
        self.since = QLineEdit(format_date(member.membership.since))
        self.since.setObjectName("membershipSince")
        self.since.setPlaceholderText("JJ/MM/AAAA")
        self.since.setMaximumWidth(140)
        self.errors.add_row("Depuis le :", self.since, "membership_since", hint_text=" ")
        self.since_hint = self.errors.hints["membership_since"]
        self.status.currentIndexChanged.connect(self._status_changed)
        self.finish_layout()
        self.set_form_width(460)
        self._status_changed()

    @property
    def chosen(self) -> MembershipStatus:
        return MembershipStatus(self.status.currentData())

    def _status_changed(self) -> None:
        status = self.chosen
        none = status is MembershipStatus.NON_MEMBRE
        if none:
            self.since.clear()
        self.since.setEnabled(not none)
        self.since_hint.setText(self.SINCE_HINTS[status].capitalize() + ".")

    def submit(self) -> None:
        since = parse_date(self.since.text(), "membership_since", "Depuis le")
        updated = self.member.with_membership(self.chosen, since, self.backend.today())
        if updated.membership == self.member.membership:
            return  # nothing changed: nothing to save, nothing to undo
        self._on_saved(self.backend.save_member(updated))
