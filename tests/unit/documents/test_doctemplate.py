"""The contract template markup: what is accepted, what is refused and how it says so."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core import doctemplate as dt
from desktop.core.errors import InvalidInput
from desktop.documents.contract import default_template_text


def test_default_template_is_valid_and_uses_both_blocks() -> None:
    t = dt.parse(default_template_text())
    assert t.inserts == ("produits", "signatures")
    assert {"offre_numero", "membre_nom", "date_debut", "duree_initiale", "conditions_paiement",
            "clause_indexation", "total_annuel", "total_unique"} <= t.fields
    kinds = [b.kind for b in t.blocks]
    assert kinds[0] == "title"
    assert kinds.count("heading") >= 7
    text = default_template_text()
    assert "convention cadre de services" in text
    assert "reconduit tacitement" in text


def test_markup_blocks_and_inline() -> None:
    src = (
        "% commentaire\n"
        "# Titre {offre_numero}\n"
        "## Section\n"
        "Première ligne\n"
        "suite du **même {membre_nom}** paragraphe, accolades {{littérales}}.\n"
        "\n"
        "- un élément\n"
        "[[produits]]\n"
    )
    t = dt.parse(src)
    assert [b.kind for b in t.blocks] == ["title", "heading", "paragraph", "item", "insert"]
    filled = dt.fill(t, {"offre_numero": "OFF-1", "membre_nom": "Namur"})
    assert filled[0].text == "Titre OFF-1"
    assert filled[2].text == "Première ligne suite du même Namur paragraphe, accolades {littérales}."
    bold = [s.text for s in filled[2].spans if s.bold]
    assert bold == ["même ", "Namur"]
    assert filled[4].name == "produits"


def test_unknown_field_is_refused_naming_it_and_listing_the_allowed_ones() -> None:
    with pytest.raises(InvalidInput) as err:
        dt.parse("# Titre\n\nMontant : {montant_total}\n")
    msg = str(err.value)
    assert "{montant_total}" in msg and "ligne 3" in msg
    assert "Champs autorisés" in msg and "{total_annuel}" in msg and "{membre_nom}" in msg


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("membre_non", "membre_nom"), ("offre_nummero", "offre_numero"), ("datedebut", "date_debut"),
     ("Total_Anuel", "total_annuel")],
)
def test_a_field_name_mistyped_is_refused_with_the_field_meant(typed: str, meant: str) -> None:
    """The refusal listed twenty-nine fields: which one the typo was of was left to find."""
    with pytest.raises(InvalidInput) as err:
        dt.parse(f"# Titre\n\nEntre iMio et {{{typed}}}.\n")
    assert f"ligne 3 : champ inconnu {{{typed}}}" in str(err.value)
    assert f". Vouliez-vous écrire {{{meant}}} ? Champs autorisés : " in str(err.value)


def test_a_field_unlike_any_other_is_not_given_a_guess() -> None:
    with pytest.raises(InvalidInput) as err:
        dt.parse("Montant : {montant_total}\n")
    assert "Vouliez-vous" not in str(err.value)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Texte {membre_nom\n", "accolade « { » ouverte et jamais fermée"),
        ("Texte membre_nom}\n", "accolade « } » fermante sans accolade ouvrante"),
        ("Texte {membre {nom}}\n", "accolade « { » ouverte et jamais fermée"),
        ("Texte {Membre Nom}\n", "champ inconnu {Membre Nom}"),
        ("[[annexes]]\n", "bloc inconnu [[annexes]]"),
        ("Un **gras\n\nsuite\n", "« ** » (gras) ouvert et jamais fermé"),
        ("   \n\n", "vide"),
        ("% seulement un commentaire\n", "que des commentaires"),
        ("Si inconnu : [[si_inconnu]]x[[/si_inconnu]]\n", "ligne 1 : un bloc [[…]] s'écrit seul sur sa ligne"),
        ("[[signatures]] fin\n", "s'écrit seul sur sa ligne"),
    ],
)
def test_refusals_are_explained(source: str, expected: str) -> None:
    with pytest.raises(InvalidInput) as err:
        dt.parse(source)
    assert expected in str(err.value)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("# Bon\n\n[[signatures]]\n", "le bloc [[produits]] (tableau des produits commandés"),
        ("# Bon\n\n[[produits]]\n", "le bloc [[signatures]]"),
        ("[[produits]]\n[[signatures]]\n[[produits]]\n", "coût annuel)) figure 2 fois"),
    ],
)
def test_a_document_needs_each_of_its_blocks_once(source: str, expected: str) -> None:
    dt.parse(source)  # a well-formed fragment…
    with pytest.raises(InvalidInput) as err:
        dt.parse_document(source)  # …but no contract
    assert expected in str(err.value)
    assert dt.parse_document("[[produits]]\n\n[[signatures]]\n").blocks[1].name == "signatures"


def test_a_template_too_long_to_print_is_refused() -> None:
    """A million characters in one paragraph kept the contract's printing busy for minutes."""
    text = default_template_text()
    assert len(text) < 6000  # as the refusal says it
    assert dt.parse_document(text + "Texte.\n" * ((dt.MAX_LENGTH - len(text)) // 7))
    with pytest.raises(InvalidInput) as info:
        dt.parse(text + "Texte.\n" * 100_000)
    assert str(info.value) == (
        "Modèle refusé : il dépasse 100\u202f000 caractères (le modèle par défaut en compte moins "
        "de 6\u202f000) ; un bon de commande aussi long ne s'imprimerait plus. Raccourcissez le "
        "texte."
    )


def test_unknown_template_code() -> None:
    with pytest.raises(InvalidInput, match="Modèle de document inconnu"):
        dt.parse("# x\n", "facture")


def test_missing_values_are_marked() -> None:
    t = dt.parse("IBAN {emetteur_iban} ; site {emetteur_site}.\n")
    filled = dt.fill(t, {"emetteur_iban": "", "emetteur_site": ""}, missing={"emetteur_iban"})
    spans = filled[0].spans
    assert any(s.missing and s.text == "[à compléter : emetteur_iban]" for s in spans)
    assert filled[0].text == "IBAN [à compléter : emetteur_iban] ; site ."



def test_an_empty_field_in_brackets_leaves_no_empty_brackets() -> None:
    """« **{membre_nom}** ({membre_type}) » for a name that says its kind printed « CPAS de
    Nivelles () » once the kind was left out: the brackets go with the empty value."""
    t = dt.parse("et **{membre_nom}** ({membre_type}), {membre_adresse}.\n")
    values = {"membre_nom": "CPAS de Nivelles", "membre_type": "", "membre_adresse": "1400 Nivelles"}
    assert dt.fill(t, values)[0].text == "et CPAS de Nivelles, 1400 Nivelles."
    values["membre_type"] = "commune"
    assert dt.fill(t, {**values, "membre_nom": "Namur"})[0].text == "et Namur (commune), 1400 Nivelles."
    # a value to complete keeps its brackets: its marker stands where it goes
    filled = dt.fill(t, {**values, "membre_type": ""}, missing={"membre_type"})
    assert filled[0].text == "et CPAS de Nivelles ([à compléter : membre_type]), 1400 Nivelles."

LINE_BREAKS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


@given(st.text(alphabet=st.characters(blacklist_characters="{}[]*%#-" + LINE_BREAKS), min_size=1))
def test_plain_text_without_markup_round_trips(text: str) -> None:
    if not text.strip():
        return
    t = dt.parse(text)
    assert dt.fill(t, {})[0].text == text.strip()


@given(st.sampled_from(sorted(dt.CONTRACT_FIELDS)))
def test_every_allowed_field_is_accepted(name: str) -> None:
    t = dt.parse(f"Valeur : {{{name}}}.\n")
    assert t.fields == {name}


def test_a_condition_prints_its_part_or_the_part_after_sinon() -> None:
    """An order of services only printed « coût annuel 0,00 € » and « reconduit tacitement »:
    the wording had no way to say something else when the order has no annual cost."""
    src = (
        "Montants :\n"
        "[[si cout_annuel]]\n"
        "coût annuel {total_annuel},\n"
        "reconduit.\n"
        "[[sinon]]\n"
        "## Sans coût annuel\n"
        "rien n'est dû ensuite.\n"
        "[[fin]]\n"
        "Fin.\n"
    )
    t = dt.parse(src)
    assert t.conditions == {"cout_annuel"}
    values = {"total_annuel": "5 344,00 €"}
    with_annual = [b.text for b in dt.fill(t, values, conditions={"cout_annuel": True})]
    assert with_annual == ["Montants :", "coût annuel 5 344,00 €, reconduit.", "Fin."]
    without = [b.text for b in dt.fill(t, values, conditions={"cout_annuel": False})]
    assert without == ["Montants :", "Sans coût annuel", "rien n'est dû ensuite.", "Fin."]
    with pytest.raises(KeyError, match="cout_annuel"):
        dt.fill(t, values)  # a renderer that forgets a condition fails, it does not guess


def test_conditions_nest_the_inner_one_closing_first() -> None:
    src = (
        "[[si cout_annuel]]\n"
        "[[si mise_en_place]]\n"
        "Les deux.\n"
        "[[sinon]]\n"
        "Annuel seul.\n"
        "[[fin]]\n"
        "Annuel.\n"
        "[[sinon]]\n"
        "[[si mise_en_place]]\n"
        "Mise en place seule.\n"
        "[[fin]]\n"
        "[[fin]]\n"
        "[[si sur_devis]]\n"
        "[[fin]]\n"
    )
    t = dt.parse(src)

    def printed(annual: bool, setup: bool) -> list[str]:
        when = {"cout_annuel": annual, "mise_en_place": setup, "sur_devis": False}
        return [b.text for b in dt.fill(t, {}, conditions=when)]

    assert printed(True, True) == ["Les deux.", "Annuel."]
    assert printed(True, False) == ["Annuel seul.", "Annuel."]
    assert printed(False, True) == ["Mise en place seule."]
    assert printed(False, False) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Texte\n[[si coût_annuel]]\nx\n[[fin]]\n",
         "ligne 2 : condition inconnue [[si coût_annuel]]. Vouliez-vous écrire [[si cout_annuel]] ? "
         "Conditions autorisées : [[si cout_annuel]] (la commande comporte un coût annuel"),
        ("[[si Mise en place]]\nx\n[[fin]]\n", "Vouliez-vous écrire [[si mise_en_place]] ?"),
        ("[[si remise]]\nx\n[[fin]]\n", "condition inconnue [[si remise]]. Conditions autorisées : "),
        ("[[si]]\nx\n[[fin]]\n", "ligne 1 : condition inconnue [[si]] sans condition."),
        ("Texte\n\n[[sinon]]\n", "ligne 3 : [[sinon]] sans [[si …]] ouvert avant lui"),
        ("[[si cout_annuel]]\nx\n[[fin]]\n[[fin]]\n", "ligne 4 : [[fin]] sans [[si …]] ouvert"),
        ("[[si cout_annuel]]\nx\n[[sinon]]\ny\n[[sinon]]\n",
         "ligne 5 : second [[sinon]] pour le [[si cout_annuel]] de la ligne 1 (le premier est ligne 3)"),
        ("Texte\n[[si sur_devis]]\n[[si cout_annuel]]\nx\n[[fin]]\n",
         "ligne 2 : [[si sur_devis]] ouvert et jamais fermé ; ajoutez [[fin]]"),
        ("[[si cout_annuel]]\nx\n[[fin cout_annuel]]\n", "ligne 3 : [[fin]] s'écrit seul"),
        ("[[si cout_annuel]]\n[[produits]]\n[[fin]]\n",
         "ligne 2 : le bloc [[produits]] figure sur tout document, il ne peut pas dépendre d'une "
         "condition ; placez-le hors du [[si cout_annuel]] de la ligne 1"),
        ("Un **gras\n[[si cout_annuel]]\nsuite**\n[[fin]]\n", "ligne 1 : « ** » (gras) ouvert et jamais fermé"),
        ("Coût annuel [[si cout_annuel]] x [[fin]]\n", "ligne 1 : un bloc [[…]] s'écrit seul sur sa ligne"),
        ("[[annexes]]\n", "Blocs autorisés : [[produits]], [[signatures]] ; et pour un texte "
         "conditionnel : [[si condition]] … [[sinon]] … [[fin]]."),
    ],
)
def test_conditions_badly_written_are_refused_with_the_line_and_what_is_allowed(
    source: str, expected: str
) -> None:
    with pytest.raises(InvalidInput) as err:
        dt.parse(source)
    assert expected in str(err.value)


@given(st.sampled_from(sorted(dt.CONTRACT_CONDITIONS)))
def test_every_allowed_condition_is_accepted(name: str) -> None:
    t = dt.parse(f"[[si {name}]]\nTexte.\n[[fin]]\n")
    assert t.conditions == {name}
    assert [b.text for b in dt.fill(t, {}, conditions={name: True})] == ["Texte."]


def test_the_fields_printed_follow_the_conditions() -> None:
    """What an order form's dialog asks: the default wording prints the initial term only
    for an order renewed each year; a wording without conditions always prints it."""
    default = dt.parse(default_template_text())
    when = {"cout_annuel": True, "mise_en_place": True, "sur_devis": False}
    assert "duree_initiale" in default.fields_for(when)
    assert "duree_initiale" not in default.fields_for({**when, "cout_annuel": False})
    assert "total_unique" in default.fields_for({**when, "cout_annuel": False})
    plain = dt.parse("Durée : {duree_initiale}.\n")
    assert plain.fields_for({}) == {"duree_initiale"}
    with pytest.raises(KeyError, match="cout_annuel"):
        dt.parse("[[si cout_annuel]]\n{duree_initiale}\n[[fin]]\n").fields_for({})
