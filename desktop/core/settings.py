"""Business settings printed on documents: seller, device code, letterhead, offer defaults.

Empty enterprise number, IBAN and legal form are *missing*, never guessed: documents print a
visible marker for them (``Settings.missing()`` lists them). ``Settings.validated()`` returns
a normalised copy (trimmed, upper-case codes, IBAN in groups of four) or raises
``InvalidInput`` naming the field to fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from typing import Any

from desktop.core.errors import FieldProblems, InvalidInput
from desktop.core.inputs import ascii_int, one_line, plain_decimal, printed_line, shown
from desktop.core.quote import DEFAULT_INDEXATION, DEFAULT_YEARS, MAX_YEARS

DEFAULT_VALIDITY_DAYS = 90
MAX_VALIDITY_DAYS = 365
MAX_INDEXATION = Decimal("0.20")

# Longest text each field may hold. They print in the letterhead, the offer's references and
# the order form, blocks that cannot break across pages: a pasted paragraph made every PDF
# fail. Each limit is well above the real value (« iMio », « SCRL », « +32 81 58 61 00 »).
TEXT_LIMITS = {
    "seller_name": 120,
    "letterhead_name": 120,
    "legal_form": 60,
    "phone": 40,
    "email": 120,
    "web": 120,
}
MAX_ADDRESS_LINES = 5
MAX_ADDRESS_LINE = 120

_DEVICE = re.compile(r"^[A-Z0-9]{2,8}$")
MAX_INITIALS = 5  # letters of the seller's initials
_INITIALS = re.compile(rf"^[A-ZÀ-ÖØ-Þ]{{1,{MAX_INITIALS}}}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

LABELS = {
    "seller_name": "nom du vendeur",
    "seller_initials": "initiales du vendeur",
    "device_code": "code de l'appareil",
    "letterhead_name": "nom de l'émetteur",
    "legal_form": "forme juridique",
    "address_lines": "adresse",
    "phone": "téléphone",
    "email": "courriel",
    "web": "site web",
    "enterprise_number": "numéro d'entreprise",
    "iban": "IBAN",
    "validity_days": "durée de validité des offres",
    "years": "nombre d'années du budget",
    "indexation": "indexation annuelle",
}

# fields a document needs and that have no default: shown as missing until filled in
DOCUMENT_FIELDS = ("legal_form", "enterprise_number", "iban")
# a missing phone means no contact at all: any one of the three would do
_MISSING_LABELS = {"phone": "moyen de contact (téléphone, courriel ou site web)"}


@dataclass(frozen=True, slots=True)
class Settings:
    """The seller, the device, the letterhead and the defaults printed on offers."""

    seller_name: str = ""
    seller_initials: str = ""
    device_code: str = ""  # 2-8 upper-case letters/digits, part of every offer number
    letterhead_name: str = "iMio"
    legal_form: str = ""
    address_lines: tuple[str, ...] = ("Rue Léon Morel 1", "5032 Isnes")
    phone: str = "+32 81 58 61 00"
    email: str = "contact@imio.be"
    web: str = "www.imio.be"
    enterprise_number: str = ""
    iban: str = ""
    validity_days: int = DEFAULT_VALIDITY_DAYS
    years: int = DEFAULT_YEARS
    indexation: Decimal = DEFAULT_INDEXATION  # a fraction: 0.02 = 2 % per year

    # -- documents read these names too ------------------------------------------------
    @property
    def name(self) -> str:
        return self.letterhead_name

    def missing(self) -> tuple[str, ...]:
        """Letterhead fields the documents print « à compléter », by key: legal form,
        enterprise number, IBAN; an emptied address; « phone » when phone, email and web are
        all empty (no way left to reach the issuer)."""
        found = [f for f in DOCUMENT_FIELDS if not getattr(self, f)]
        if not self.address_lines:
            found.append("address_lines")
        if not (self.phone or self.email or self.web):
            found.append("phone")
        return tuple(found)

    def missing_labels(self) -> tuple[str, ...]:
        return tuple(_MISSING_LABELS.get(f, LABELS[f]) for f in self.missing())

    @property
    def ready_to_number(self) -> bool:
        """An offer can only be numbered once the device code is set."""
        return bool(self.device_code)

    def validated(self) -> Settings:
        """A normalised copy, or ``InvalidInput`` naming the field to fix (``InvalidInputs``
        when several are wrong: a form says every one of them at once)."""
        problems = FieldProblems()
        text = {f.name: _clean(getattr(self, f.name)) for f in fields(self) if f.type == "str"}
        for name, limit in TEXT_LIMITS.items():
            problems.check(printed_line, text[name], limit=limit, field=name, what=LABELS[name].capitalize())
        device = text["device_code"].upper().replace(" ", "")
        if device and not _DEVICE.match(device):
            problems.add(InvalidInput(
                "Le code de l'appareil compte 2 à 8 lettres majuscules ou chiffres, sans espace "
                f"ni accent (ex. LAP1) ; reçu « {shown(self.device_code)} ».",
                field="device_code",
            ))
        initials = text["seller_initials"].upper().replace(".", "").replace(" ", "")
        if initials and not _INITIALS.match(initials):
            problems.add(InvalidInput(
                f"Les initiales comptent 1 à {MAX_INITIALS} lettres (ex. JD) ; "
                f"reçu « {shown(self.seller_initials)} ».",
                field="seller_initials",
            ))
        if not text["letterhead_name"]:
            problems.add(InvalidInput("Indiquez le nom de l'émetteur (en-tête).", field="letterhead_name"))
        email = text["email"]
        if email and not _EMAIL.match(email):
            problems.add(InvalidInput(f"Courriel invalide : « {shown(email)} » (ex. contact@imio.be).", field="email"))
        enterprise = problems.check(normalize_enterprise_number, text["enterprise_number"])
        iban = problems.check(normalize_iban, text["iban"])
        lines = problems.check(_address_lines, self.address_lines)
        validity = problems.check(
            _int_between, self.validity_days, 1, MAX_VALIDITY_DAYS, "validity_days", "jours"
        )
        years = problems.check(_int_between, self.years, 1, MAX_YEARS, "years", "années")
        indexation = problems.check(_indexation, self.indexation)
        problems.raise_found()
        assert enterprise is not None and iban is not None and lines is not None
        assert validity is not None and years is not None and indexation is not None
        text.update(device_code=device, seller_initials=initials, enterprise_number=enterprise, iban=iban)
        return replace(
            self, **text, address_lines=lines, validity_days=validity, years=years, indexation=indexation
        )

    def with_changes(self, **changes: Any) -> Settings:
        """A validated copy with ``changes`` applied (unknown keys are an error)."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise InvalidInput(f"Réglage inconnu : {', '.join(unknown)}.", field=unknown[0])
        return replace(self, **changes).validated()


def _clean(text: Any) -> str:
    return one_line(str(text))


def _address_lines(value: Any) -> tuple[str, ...]:
    lines = tuple(x for x in (_clean(line) for line in value) if x)
    if len(lines) > MAX_ADDRESS_LINES:
        raise InvalidInput(
            f"Adresse : {MAX_ADDRESS_LINES} lignes au plus ; la saisie en compte {len(lines)}.",
            field="address_lines",
        )
    for line in lines:
        printed_line(line, limit=MAX_ADDRESS_LINE, field="address_lines", what="Ligne d'adresse")
    return lines


def _int_between(value: Any, low: int, high: int, field: str, unit: str) -> int:
    """A whole number, given as an int or as text in ASCII digits (« ² » and « ١٢ » are not)."""
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    else:
        number = ascii_int(value)
    if number is None or not (low <= number <= high):
        raise InvalidInput(
            f"{LABELS[field].capitalize()} : un nombre entier de {low} à {high} {unit} est "
            f"attendu ; reçu « {shown(value)} ».",
            field=field,
        )
    return number


def indexation_from_percent(text: str, field: str = "indexation") -> Decimal:
    """The indexation typed in a field labelled « %/an »: « 2 », « 2,5 » or « 2,5 % » -> the
    fraction (0.02, 0.025). Its range is checked with the other settings."""
    plain = plain_decimal(text.strip().removesuffix("%"))
    if plain is None:
        raise InvalidInput(
            "Indiquez un pourcentage par an en chiffres (par exemple 2 ou 2,5) ; "
            f"reçu « {shown(text)} ».",
            field=field,
        )
    percent = Decimal(plain)
    if 0 < percent < Decimal("0.1"):  # « 0,02 » is the fraction the command line takes
        raise InvalidInput(
            f"« {shown(text)} » se lirait {shown(text)} % par an : ce champ est en pourcentage. "
            "Pour 2 % par an, écrivez 2.",
            field=field,
        )
    return percent / 100


def _indexation(value: Any) -> Decimal:
    """A fraction (0.02, « 0,02 »), a percentage written with its sign (« 2 % », « 2,5% »), or
    a number above 1, which can only be a percentage (« 2 », « 2,5 »).

    Text is read as a plain decimal number: no exponent (« 1e999999999 % » overflowed), no
    « NaN »."""
    text = str(value).strip()
    percent = not isinstance(value, Decimal) and text.endswith("%")
    number: Decimal | None
    if isinstance(value, Decimal):
        number = value
    else:
        plain = plain_decimal(text.removesuffix("%"))
        number = Decimal(plain) if plain is not None else None
    if number is not None and (percent or number > 1):
        # « 2 » on the command line is 2 % a year, as the settings form and quote --indexation
        # read it: as a fraction it would be 200 %, which no one means
        number = number / 100
    if number is None or not number.is_finite() or not (0 <= number <= MAX_INDEXATION):
        if isinstance(value, Decimal) and value.is_finite():  # a number from the screen
            raise InvalidInput(
                f"L'indexation annuelle va de 0 à 20 % par an ; reçu {percent_text(value)}.",
                field="indexation",
            )
        raise InvalidInput(
            "L'indexation annuelle va de 0 à 20 % par an : écrivez-la en pourcentage (« 2 % ») "
            f"ou en fraction (« 0,02 ») ; reçu « {shown(value)} ».",
            field="indexation",
        )
    return number


def percent_text(fraction: Decimal) -> str:
    """0.025 -> « 2,5 % » (French decimal comma, no trailing zeros)."""
    number = (fraction * 100).normalize()
    return f"{format(number, 'f').replace('.', ',')} %"


def normalize_enterprise_number(text: str) -> str:
    """'BE 0123.456.749' -> '0123.456.749' (Belgian enterprise number, modulo-97 checked)."""
    if not text:
        return ""
    digits = re.sub(r"[\s.\-]", "", text.upper()).removeprefix("BE")
    if len(digits) == 9 and digits.isdigit():
        digits = "0" + digits
    if not (len(digits) == 10 and digits.isdigit() and digits[0] in "01"):
        raise InvalidInput(
            "Le numéro d'entreprise belge compte 10 chiffres commençant par 0 ou 1 "
            f"(ex. 0123.456.749) ; reçu « {text} ».",
            field="enterprise_number",
        )
    if 97 - int(digits[:8]) % 97 != int(digits[8:]):
        raise InvalidInput(
            f"Numéro d'entreprise « {text} » : le contrôle modulo 97 échoue ; vérifiez les chiffres.",
            field="enterprise_number",
        )
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


def normalize_iban(text: str) -> str:
    """'be71096123456769' -> 'BE71 0961 2345 6769' (ISO 13616 check digits verified)."""
    if not text:
        return ""
    compact = re.sub(r"\s", "", text).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", compact):
        raise InvalidInput(f"IBAN invalide : « {text} » (ex. BE71 0961 2345 6769).", field="iban")
    if compact.startswith("BE") and len(compact) != 16:
        raise InvalidInput(f"Un IBAN belge compte 16 caractères ; reçu « {text} ».", field="iban")
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(c, 36)) for c in rearranged)
    if int(number) % 97 != 1:
        raise InvalidInput(
            f"IBAN « {text} » : les chiffres de contrôle ne correspondent pas ; vérifiez-le.",
            field="iban",
        )
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
