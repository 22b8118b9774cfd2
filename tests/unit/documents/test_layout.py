"""reportlab details the documents depend on: narrow no-break spaces, escaping, fonts."""

from __future__ import annotations

import doc_factories as f
import pdf_inspect as pi
import pytest

from desktop.documents import layout

NNBSP = "\u202f"
AMOUNT = f"1{NNBSP}234{NNBSP}567,00\u00a0€"


def _lines(text: str, width: float) -> list[str]:
    st = layout.styles()
    p = layout.para(layout.esc(text), st.body)
    p.wrap(width, 1000)
    out = []
    for line in p.blPara.lines:
        words = getattr(line, "words", None)
        if words is None:  # simple paragraphs: (width, [words])
            out.append(" ".join(line[1]))
        else:
            out.append("".join(w.text for w in words if hasattr(w, "text")))
    return out


def test_an_amount_never_breaks_at_its_thousands_separator() -> None:
    lines = _lines(f"Montant total de l'offre : {AMOUNT} HTVA", 70)
    assert any(AMOUNT.replace("\u00a0", " ") in line.replace("\u00a0", " ") for line in lines), lines
    assert not any(line.endswith("1") or line.startswith("234") for line in lines), lines


def test_the_narrow_space_is_drawn_with_its_own_glyph() -> None:
    from desktop.documents.offer import build_offer_document, render_offer

    doc = build_offer_document(f.quote(), f.tariff(), None, number="OFF-1", issued=f.ISSUED)
    pdf = render_offer(doc)
    drawn = set().union(*(i.used for i in pi.fonts(pdf).values()))
    assert NNBSP in drawn
    # the sentence under the totals is a Paragraph: its amount keeps U+202F
    assert f"soit 5{NNBSP}344,00 € HTVA" in pi.flat(pdf)


def test_escape_keeps_data_text_literal() -> None:
    assert layout.esc("A & B <c> \n d") == "A &amp; B &lt;c&gt; <br/> d"


def _offer_pdf(member=None, settings=None, seller: str = "Anne Dupont") -> bytes:
    from desktop.documents.offer import build_offer_document, render_offer

    doc = build_offer_document(
        f.quote(member=member), f.tariff(), settings, number="OFF-1", issued=f.ISSUED, seller=seller
    )
    return render_offer(doc)


def _contract_pdf(member=None, settings=None) -> bytes:
    from desktop.documents.contract import build_contract_document, render_contract

    return render_contract(
        build_contract_document(f.accepted_offer(member=member), f.tariff(), settings, issued=f.ISSUED)
    )


def test_a_300_character_name_without_spaces_wraps_inside_its_box() -> None:
    name = "X" * 300
    pdf = _offer_pdf(member=f.commune(name=name))
    lines = [x for page in pi.pages_text(pdf) for x in page.splitlines() if "XXXXXXXXXX" in x]
    assert lines and all(len(x) < 100 for x in lines), lines  # broken into lines, not one strip
    assert "X" * 150 in "".join(lines) and "…" in "".join(lines)  # long, then cut
    _contract_pdf(member=f.commune(name=name))


@pytest.mark.parametrize("spaces", [False, True])
def test_overlong_stored_values_never_break_a_pdf(spaces: bool) -> None:
    """Values stored before the settings and member forms had limits (or imported) made every
    offer PDF fail with reportlab's LayoutError: they are cut, and a block still too tall is
    shrunk to fit its page."""
    from desktop.core.settings import Settings

    long = ("Jean Dupont " * 420) if spaces else "W" * 5000
    settings = Settings(
        seller_name=long, letterhead_name=long, legal_form=long, phone=long, email=long,
        web=long, address_lines=tuple(long for _ in range(40)),
    )  # not validated: as read from an old database
    member = f.commune(name=long, address="\n".join(long for _ in range(40)))
    for pdf in (
        _offer_pdf(member=member, settings=settings, seller=long),
        _contract_pdf(member=member, settings=settings),
    ):
        assert pdf.startswith(b"%PDF") and "…" in pi.flat(pdf)


@pytest.mark.parametrize(
    ("label", "value", "unit", "expected"),
    [
        ("Utilisateurs SaaS supplémentaires", "5", "utilisateurs supplémentaires",
         "Utilisateurs SaaS supplémentaires : 5"),
        ("Nombre d’écoles", "9", "écoles", "Nombre d’écoles : 9"),
        ("Go supplémentaires au-delà du forfait", "40", "Go", "Go supplémentaires au-delà du forfait : 40"),
        ("Volume", "40", "Go", "Volume : 40 Go"),
        ("Postes", "1", "lecteurs", "Postes : 1 lecteur"),
        ("Extension", "0", "utilisateurs supplémentaires", "Extension : 0 utilisateur supplémentaire"),
        ("Extension", "3", "utilisateurs supplémentaires", "Extension : 3 utilisateurs supplémentaires"),
    ],
)
def test_a_parameter_names_its_unit_once_and_agrees_in_number(
    label: str, value: str, unit: str, expected: str
) -> None:
    from decimal import Decimal

    from desktop.documents.formatting import Formatter
    from desktop.documents.offer import ParamValue
    from desktop.documents.offer_layout import param_text

    assert param_text(ParamValue(label, Decimal(value), unit), Formatter("fr_BE")) == expected


def test_french_spacing_never_breaks_a_line_before_a_colon_or_inside_guillemets() -> None:
    """The order form printed « ci-après « » at the end of a line and « le membre » » on the
    next, a dérogation « … du 14 mars » then « : l'intercommunale … », the offer « n° » then its
    number on the next line."""
    sentence = (
        "Motif : demande du Collège ; la présente offre n° OFF-2026-LAP1-0001 vaut accord, "
        "ci-après « le membre » ! Pourquoi ? Voir la grille « Tarification 2024 »."
    )
    for width in range(90, 400, 3):
        lines = _lines(sentence, width)
        for line in lines:
            words = line.split(" ")  # U+00A0 holds a word to its neighbour
            assert not words[0].startswith((":", ";", "!", "?", "»")), (width, lines)
            assert not words[-1].endswith(("«", "n°")), (width, lines)
    assert layout.esc("« A » : b") == "«\u00a0A\u00a0»\u00a0: b"


def test_a_figure_stays_on_the_line_of_its_percent_or_euro_sign() -> None:
    """« Remise CPAS de 50 % » and « 636 € + 16 écoles × 937 € » (the catalogue's own notes,
    typed with plain spaces) could end a line on « 50 » and start the next with « % »."""
    sentence = "Remise CPAS de 50 % sur la maintenance ; hébergement 636 € + 16 écoles × 937 € par an."
    for width in range(60, 400, 3):
        lines = _lines(sentence, width)
        for line in lines:
            assert not line.split(" ")[0].startswith(("%", "€")), (width, lines)
    assert layout.esc("50 % et 906 €, 2 jours") == "50\u00a0% et 906\u00a0€, 2 jours"
