"""Members: the public bodies Comptoir quotes for, and what is known about them."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

# Bounds of what a user types about a member. A count above ten million (Belgium has fewer
# than twelve million inhabitants; no commune, zone or province comes near) is a slip, and
# SQLite cannot even store twenty digits. Names and addresses print on one block of the offer
# and the order form: 120 and 200 characters hold any official name and postal address.
MAX_HEADCOUNT = 10_000_000
MAX_NAME_LENGTH = 120
MAX_ADDRESS_LENGTH = 200
MAX_SOURCE_LENGTH = 200


class MemberKind(StrEnum):
    COMMUNE = "commune"
    CPAS = "cpas"
    ZONE_DE_POLICE = "zone_de_police"
    ZONE_DE_SECOURS = "zone_de_secours"
    INTERCOMMUNALE = "intercommunale"
    RCA = "rca"
    PROVINCE = "province"
    AUTRE = "autre"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]

    @property
    def short_label(self) -> str:
        """Compact label for narrow columns (search results); ``label`` elsewhere."""
        return _KIND_SHORT_LABELS[self]

    @property
    def counts_agents(self) -> bool:
        """True when the size of this kind is a number of agents, not of inhabitants."""
        return self in (MemberKind.INTERCOMMUNALE, MemberKind.RCA)

    @property
    def size_unit(self) -> str:
        """What a member's size counts: « agents » for bodies (an « autre organisme » too: its
        form asks for agents, though no rule reads them), « habitants » for territories."""
        return "agents" if self.counts_agents or self is MemberKind.AUTRE else "habitants"

    @property
    def user_creatable(self) -> bool:
        """Kinds a user may create; the others come from the reference directory."""
        return self in (MemberKind.INTERCOMMUNALE, MemberKind.RCA, MemberKind.AUTRE)

    @classmethod
    def parse(cls, text: str) -> MemberKind:
        from desktop.core.errors import InvalidInput

        key = text.strip().lower().replace("-", "_").replace(" ", "_")
        try:
            return cls(key)
        except ValueError:
            choices = ", ".join(k.value for k in cls)
            raise InvalidInput(
                f"Type de membre inconnu : « {text} ». Types acceptés : {choices}.", field="kind"
            ) from None


_KIND_LABELS = {
    MemberKind.COMMUNE: "Commune",
    MemberKind.CPAS: "CPAS",
    MemberKind.ZONE_DE_POLICE: "Zone de police",
    MemberKind.ZONE_DE_SECOURS: "Zone de secours",
    MemberKind.INTERCOMMUNALE: "Intercommunale",
    MemberKind.RCA: "Régie communale autonome",
    MemberKind.PROVINCE: "Province",
    MemberKind.AUTRE: "Autre organisme",
}


_KIND_SHORT_LABELS = {
    MemberKind.COMMUNE: "Commune",
    MemberKind.CPAS: "CPAS",
    MemberKind.ZONE_DE_POLICE: "Zone pol.",
    MemberKind.ZONE_DE_SECOURS: "Zone sec.",
    MemberKind.INTERCOMMUNALE: "Interco.",
    MemberKind.RCA: "RCA",
    MemberKind.PROVINCE: "Province",
    MemberKind.AUTRE: "Autre",
}


class MembershipStatus(StrEnum):
    ASSOCIE = "associe"
    ADHESION_EN_COURS = "adhesion_en_cours"
    ANCIEN_MEMBRE = "ancien_membre"
    NON_MEMBRE = "non_membre"

    @property
    def label(self) -> str:
        return {
            MembershipStatus.ASSOCIE: "Associé",
            MembershipStatus.ADHESION_EN_COURS: "Adhésion en cours",
            MembershipStatus.ANCIEN_MEMBRE: "Ancien membre",
            MembershipStatus.NON_MEMBRE: "Non membre",
        }[self]


class InstallState(StrEnum):
    PRODUCTION = "production"
    COMMANDE = "commande"

    @property
    def label(self) -> str:
        return "En production" if self is InstallState.PRODUCTION else "Commandé"


def of_place(name: str) -> str:
    """French 'de' before a place name: 'de Nivelles', 'd’Ans', 'du Roeulx', 'des Bons Villers'."""
    if name.startswith("Le "):
        return "du " + name[3:]
    if name.startswith("Les "):
        return "des " + name[4:]
    if name[:1].upper() in "AEIOUYÂÉÈÊÎÔÛ":
        return "d’" + name
    return "de " + name


def check_headcount(value: int, field: str = "size", what: str = "Nombre d'habitants ou d'agents") -> int:
    """``value`` when it is a plausible number of inhabitants or agents (0 to 10 million)."""
    from desktop.core.errors import InvalidInput
    from desktop.core.format import group_int

    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{what} : un nombre entier est attendu.", field=field)
    if value < 0:
        raise InvalidInput(f"{what} : un nombre négatif n'a pas de sens ({value}).", field=field)
    if value > MAX_HEADCOUNT:
        from desktop.core.inputs import shown

        raise InvalidInput(
            f"{what} : au plus {group_int(MAX_HEADCOUNT)} ; reçu {shown(value)}. "
            "Vérifiez le nombre de chiffres.",
            field=field,
        )
    return value


def parse_headcount(text: str, field: str = "size", what: str = "Nombre d'habitants ou d'agents") -> int:
    """A number of inhabitants or agents as typed: « 1500 », « 1 500 » or « 1.500 »; never
    « 1.5 » or « 1,5 », never more than 10 million."""
    from desktop.core.inputs import parse_whole

    return parse_whole(text, field=field, what=what, maximum=MAX_HEADCOUNT)


def clean_name(text: str) -> str:
    """A member's name as stored: spaces collapsed, not empty, at most 120 characters."""
    from desktop.core.errors import InvalidInput
    from desktop.core.inputs import one_line, printed_line

    if not one_line(text):
        raise InvalidInput("Indiquez le nom du membre.", field="name")
    return printed_line(text, limit=MAX_NAME_LENGTH, field="name", what="Nom du membre")


def clean_address(text: str) -> str:
    """A member's postal address as stored: each of its lines as ``one_line`` reads it (a
    Windows line end is a line end), empty lines left out, printable, at most 200
    characters."""
    from desktop.core.inputs import check_length, check_printable, one_line

    lines = (one_line(line) for line in text.splitlines())
    address = check_printable("\n".join(x for x in lines if x), field="address", what="Adresse")
    return check_length(address, limit=MAX_ADDRESS_LENGTH, field="address", what="Adresse")


def clean_source(text: str) -> str:
    """Where a figure comes from (« Statbel 1/1/2025 »): trimmed, at most 200 characters."""
    from desktop.core.inputs import printed_line

    return printed_line(text, limit=MAX_SOURCE_LENGTH, field="source", what="Source du chiffre")


def check_count_date(as_of: date, today: date) -> date:
    """The date a headcount was established: not later than ``today``."""
    if as_of > today:
        from desktop.core.errors import InvalidInput

        raise InvalidInput(
            f"La date {as_of:%d/%m/%Y} est dans le futur (aujourd'hui : {today:%d/%m/%Y}) : "
            "indiquez la date à laquelle le chiffre a été établi.",
            field="as_of",
        )
    return as_of


def clean_reason(text: str) -> str:
    """The reason for a category chosen by hand: trimmed, as long as any other reason, and
    printable (the offer's category trace gives it)."""
    from desktop.core.inputs import check_reason

    return check_reason(text, printed=True)


@dataclass(frozen=True, slots=True)
class Headcount:
    """A number of inhabitants or agents, with when and where it comes from."""

    value: int
    as_of: date | None
    source: str

    def __post_init__(self) -> None:
        if self.value < 0:
            from desktop.core.errors import InvalidInput

            raise InvalidInput("Un nombre d'habitants ou d'agents ne peut pas être négatif.")

    def text(self, unit: str) -> str:
        """'28 883 habitants (Statbel, 01/01/2020)': the source, then the date, as the member
        card shows it (a source such as « rapport annuel 2025 » must not run into the date)."""
        from desktop.core.format import agree, group_int

        origin = ", ".join(
            x for x in (self.source.strip(), self.as_of.strftime("%d/%m/%Y") if self.as_of else "") if x
        )
        return f"{group_int(self.value)} {agree(self.value, unit)}".strip() + (f" ({origin})" if origin else "")


@dataclass(frozen=True, slots=True)
class Membership:
    """Where the body stands with iMio (associate, joining, former, not a member), since when."""

    status: MembershipStatus = MembershipStatus.ASSOCIE
    since: date | None = None


@dataclass(frozen=True, slots=True)
class InstalledProduct:
    """A product the member already has in production, or has ordered."""

    product: str  # catalogue product code
    state: InstallState
    since: date | None = None


@dataclass(frozen=True, slots=True)
class FormerCommune:
    """A commune merged into another: its NIS code and name until the merger, and the day the
    merger took effect (Bertogne, 82005, merged into Bastogne on 1 January 2025)."""

    nis: str
    name: str
    merged_on: date


def merger_text(commune: Member, day: str) -> str:
    """« La commune de Bastogne est née le 01/01/2025 de la fusion des communes de Bastogne
    (NIS 82003) et de Bertogne (NIS 82005). » for a commune formed by a merger (``day``: the
    date of the merger as the caller formats it); "" for any other member."""
    former = commune.former_communes
    if not former:
        return ""
    parts = [f"{of_place(f.name)} (NIS {f.nis})" for f in former]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " et " + parts[-1]
    return f"La commune {of_place(commune.name)} est née le {day} de la fusion des communes {listed}."


@dataclass(frozen=True, slots=True)
class CategoryOverride:
    """A category chosen by hand in place of the derived one, with the reason given."""

    category: str
    reason: str


@dataclass(frozen=True, slots=True)
class Member:
    """A member of any kind.

    ``id`` is stable and readable: ``commune:25072``, ``cpas:25072``, ``zp:5267``,
    ``zs:brabant-wallon``, ``province:hainaut``, ``u:<uuid>`` for user-created members.
    ``reference_size`` is the directory's figure (population or agents); ``size_correction``
    is a user's newer figure, which wins but never erases the reference.
    """

    id: str
    kind: MemberKind
    name: str
    nis: str | None = None
    zone_number: str | None = None
    postcodes: tuple[str, ...] = ()
    province: str | None = None
    address: str = ""
    reference_size: Headcount | None = None
    size_correction: Headcount | None = None
    commune_id: str | None = None  # a CPAS's commune
    commune_ids: tuple[str, ...] = ()  # a zone's communes
    membership: Membership = field(default_factory=Membership)
    installed: tuple[InstalledProduct, ...] = ()
    category_override: CategoryOverride | None = None
    user_created: bool = False
    other_names: tuple[str, ...] = ()  # other official names (Dutch, German), for search
    # a commune formed by a merger: the communes it was formed from, whose names and NIS codes
    # old files still carry (for search and the card). History, not what the member is: two
    # members that differ only there are equal (a draft is not re-priced for it), and an offer
    # frozen before it existed keeps its stored form (see ``desktop.core.quote.ADDED_LATER``)
    former_communes: tuple[FormerCommune, ...] = field(
        default=(), compare=False, metadata={"added_later": True}
    )

    @property
    def size(self) -> Headcount | None:
        """The figure in force: the user's correction if any, else the reference."""
        return self.size_correction or self.reference_size

    @property
    def display_name(self) -> str:
        """The name documents print: the kind before the place (« CPAS de Nivelles »), unless
        the name already says it (a catalogue from head office naming it « CPAS de la Ville
        de Namur » read « CPAS de CPAS de … »)."""
        head = self.name.casefold()
        if self.kind is MemberKind.ZONE_DE_POLICE and self.zone_number:
            return self.name if head.startswith(("zp ", "zone de police")) else f"ZP {self.zone_number} {self.name}"
        if self.kind is MemberKind.CPAS:
            return self.name if head.startswith("cpas") else f"CPAS {of_place(self.name)}"
        if self.kind is MemberKind.ZONE_DE_SECOURS:
            return self.name if head.startswith("zone de secours") else f"Zone de secours {self.name}"
        if self.kind is MemberKind.PROVINCE:
            if head.startswith("province"):
                return self.name
            return f"Province {'du ' + self.name if self.name.startswith('Brabant') else of_place(self.name)}"
        return self.name

    def in_production(self) -> frozenset[str]:
        """The products this member has in production (a commune's: its CPAS's discount)."""
        return frozenset(p.product for p in self.installed if p.state is InstallState.PRODUCTION)

    def reads(self, member_id: str) -> bool:
        """Whether this member's category or prices read the member ``member_id``: a CPAS its
        commune (population, products in production), a police zone its communes."""
        return member_id == self.commune_id or member_id in self.commune_ids

    def with_size_correction(self, value: int, as_of: date, source: str, *, today: date) -> Member:
        """The member with a newer figure than its reference one, which it then uses.

        The figure is dated: not later than ``today``, and not earlier than the reference
        figure it replaces (an older count would win over a newer one)."""
        from desktop.core.errors import InvalidInput

        if not source.strip():
            raise InvalidInput("Indiquez la source du chiffre corrigé.", field="source")
        count = check_headcount(value)
        check_count_date(as_of, today)
        ref = self.reference_size
        if ref is not None and ref.as_of is not None and as_of < ref.as_of:
            origin = f" ({ref.source.strip()})" if ref.source.strip() else ""
            raise InvalidInput(
                f"Le chiffre de référence{origin} date du {ref.as_of:%d/%m/%Y} : un chiffre "
                f"au {as_of:%d/%m/%Y} est plus ancien et ne peut pas le remplacer. Indiquez "
                f"une date à partir du {ref.as_of:%d/%m/%Y}.",
                field="as_of",
            )
        return replace(self, size_correction=Headcount(count, as_of, clean_source(source)))

    def without_size_correction(self) -> Member:
        """The member back on its reference figure (the directory's, or the one given at its
        creation)."""
        return replace(self, size_correction=None)

    def with_override(self, category: str | None, reason: str = "") -> Member:
        from desktop.core.errors import InvalidInput

        if category is None:
            return replace(self, category_override=None)
        if not reason.strip():
            raise InvalidInput(
                "Une catégorie choisie à la main doit être justifiée : indiquez-en le motif.",
                field="reason",
            )
        return replace(self, category_override=CategoryOverride(category, clean_reason(reason)))

    def with_membership(
        self, status: MembershipStatus, since: date | None, today: date
    ) -> Member:
        """The member with another membership status.

        ``since`` (when the status began: affiliation, request, departure) is optional, may
        not be later than ``today``, and a non-member has none.
        """
        from desktop.core.errors import InvalidInput

        if since is not None and status is MembershipStatus.NON_MEMBRE:
            raise InvalidInput(
                "Un non-membre n'a pas de date d'affiliation : videz la date.",
                field="membership_since",
            )
        if since is not None and since > today:
            raise InvalidInput(
                f"La date {since:%d/%m/%Y} est dans le futur (aujourd'hui : {today:%d/%m/%Y}) : "
                "indiquez la date à laquelle ce statut a commencé.",
                field="membership_since",
            )
        return replace(self, membership=Membership(status, since))
