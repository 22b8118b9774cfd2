"""Document templates the back office edits without code (the contract's wording).

A template is plain text in a small, line-based markup:

    % a comment line (not printed)
    # Title of the document
    ## Section heading
    ### Sub-heading
    - a bullet item
    A paragraph: consecutive lines join into one paragraph; a blank line ends it.
    **bold text** inside any line
    {field}      a value filled in by Comptoir, from a fixed list (``CONTRACT_FIELDS``)
    {{ and }}    a literal "{" or "}"
    [[produits]] on its own line: a block drawn by Comptoir (``CONTRACT_BLOCKS``)

    [[si cout_annuel]]   on their own lines: what lies between prints only when the offer
    …                    meets the condition (``CONTRACT_CONDITIONS``: cout_annuel,
    [[sinon]]            mise_en_place, sur_devis); what follows the optional [[sinon]] prints
    …                    when it does not. Each [[si …]] ends at its [[fin]]; a [[si …]] may
    [[fin]]              stand inside another (the inner one closes first). A line of these
                         ends the paragraph before it. The blocks [[produits]] and
                         [[signatures]] print on every document: they stay out of conditions.

``parse`` checks a template completely and refuses it with a French message naming the
problem (unknown field, unbalanced brace, unknown block or condition, a [[sinon]] or a [[fin]]
without its [[si …]], a [[si …]] never closed, unclosed bold) and the line, and listing what
is allowed. The store calls it before saving; the renderer uses its result, ``fill`` keeping
the parts whose conditions hold. Pure Python: no I/O here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Set
from dataclasses import dataclass, replace
from difflib import get_close_matches

from desktop.core.catalogue import fold
from desktop.core.errors import InvalidInput
from desktop.core.format import group_int

# Some twenty times the default wording: a contract of forty pages prints in a second, where a
# text of a million characters, one paragraph, kept the printing busy for minutes.
MAX_LENGTH = 100_000

# Fields of the contract ("Bon de commande et dispositions particulières"), with what they
# print. The order is the order of the list shown to the user.
CONTRACT_FIELDS: Mapping[str, str] = {
    "emetteur_nom": "nom et forme juridique de l'émetteur (iMio SCRL)",
    "emetteur_adresse": "adresse de l'émetteur, sur une ligne",
    "emetteur_numero_entreprise": "numéro d'entreprise de l'émetteur",
    "emetteur_iban": "IBAN de l'émetteur",
    "emetteur_telephone": "téléphone de l'émetteur",
    "emetteur_email": "adresse électronique de l'émetteur",
    "emetteur_site": "site web de l'émetteur",
    "membre_nom": "nom du membre (CPAS de Namur, ZP 5267 Nivelles/Genappe…)",
    "membre_type": "type de membre (Commune, CPAS, Zone de police…)",
    "membre_adresse": "adresse du membre, sur une ligne",
    "membre_identifiants": "identifiants du membre (NIS, numéro de zone)",
    "categorie": "catégorie tarifaire retenue",
    "offre_numero": "numéro de l'offre acceptée",
    "offre_date": "date de l'offre (jj/mm/aaaa)",
    "offre_acceptation": "date d'acceptation de l'offre",
    "document_date": "date du bon de commande",
    "date_debut": "date de prise d'effet",
    "duree_initiale": "durée initiale (« 1 an », « 3 ans »)",
    "total_unique": "total de la mise en place (coût unique)",
    "total_annuel": "total du coût annuel",
    "total_annee1": "budget de la première année",
    "taxe": "mention fiscale des montants (HTVA, HT)",
    "mention_tva": "mention TVA de la grille tarifaire",
    "conditions_paiement": "conditions de paiement de la grille tarifaire",
    "clause_indexation": "clause d'indexation de la grille tarifaire",
    "tarif": "nom de la grille tarifaire",
    "tarif_annee": "année de la grille tarifaire",
    "tarif_approbation": "approbation de la grille tarifaire",
    "lieu": "lieu de signature (localité de l'émetteur)",
}

CONTRACT_BLOCKS: Mapping[str, str] = {
    "produits": "tableau des produits commandés (catégorie, coût unique, coût annuel)",
    "signatures": "cadres de signature de l'émetteur et du membre",
}

# Conditions of ``[[si …]]``, with when they hold. A cost « sur devis » is a cost: the order
# has a set-up even when its amount is left to a specific quote (iA.GPEC).
CONTRACT_CONDITIONS: Mapping[str, str] = {
    "cout_annuel": "la commande comporte un coût annuel (chiffré ou sur devis)",
    "mise_en_place": "la commande comporte une mise en place, coût unique (chiffrée ou sur devis)",
    "sur_devis": "une partie de la commande est sur devis, hors des montants",
}

# Templates known to the application: code -> (title, fields, blocks, conditions).
TEMPLATES: Mapping[str, tuple[str, Mapping[str, str], Mapping[str, str], Mapping[str, str]]] = {
    "contrat": (
        "Bon de commande et dispositions particulières",
        CONTRACT_FIELDS,
        CONTRACT_BLOCKS,
        CONTRACT_CONDITIONS,
    ),
}

IF, ELSE, END = "si", "sinon", "fin"  # the words of a condition's lines
CONDITION_SYNTAX = f"[[{IF} condition]] … [[{ELSE}]] … [[{END}]]"

_FIELD = re.compile(r"[a-z_][a-z0-9_]*")
_BLOCK_LINE = re.compile(r"^\[\[\s*([^\]]*?)\s*\]\]$")


@dataclass(frozen=True, slots=True)
class Run:
    """A piece of a line: literal text, or a field to fill; bold or not."""

    text: str = ""
    field: str | None = None
    bold: bool = False


@dataclass(frozen=True, slots=True)
class Block:
    """``kind``: title | heading | subheading | paragraph | item | insert."""

    kind: str
    runs: tuple[Run, ...] = ()
    name: str = ""  # the block name of an insert
    line: int = 0  # first line in the source (1-based)
    # printed only when each condition has the value given: (("cout_annuel", False),) is the
    # [[sinon]] of a [[si cout_annuel]]; () prints always
    when: tuple[tuple[str, bool], ...] = ()


@dataclass(frozen=True, slots=True)
class Span:
    """Filled text: ``missing`` marks a value nobody filled in (printed as a visible marker)."""

    text: str
    bold: bool = False
    missing: bool = False
    field: str | None = None


@dataclass(frozen=True, slots=True)
class Filled:
    kind: str
    spans: tuple[Span, ...] = ()
    name: str = ""

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


@dataclass(frozen=True, slots=True)
class Template:
    code: str
    blocks: tuple[Block, ...]
    source: str
    # the conditions its [[si …]] name, one whose text is left empty too (a comment between it
    # and its [[fin]]): a version before conditions refuses the wording all the same
    conditions: frozenset[str] = frozenset()

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(r.field for b in self.blocks for r in b.runs if r.field)

    @property
    def inserts(self) -> tuple[str, ...]:
        return tuple(b.name for b in self.blocks if b.kind == "insert")

    def fields_for(self, conditions: Mapping[str, bool]) -> frozenset[str]:
        """The fields printed for a document meeting ``conditions`` (every condition the
        template uses given): those of its other parts are asked for nothing."""
        return frozenset(
            r.field for b in self.blocks if _holds(b.when, conditions) for r in b.runs if r.field
        )


def allowed_fields(code: str) -> Mapping[str, str]:
    return _spec(code)[1]


def allowed_blocks(code: str) -> Mapping[str, str]:
    return _spec(code)[2]


def allowed_conditions(code: str) -> Mapping[str, str]:
    return _spec(code)[3]


def _spec(code: str) -> tuple[str, Mapping[str, str], Mapping[str, str], Mapping[str, str]]:
    try:
        return TEMPLATES[code]
    except KeyError:
        raise InvalidInput(
            f"Modèle de document inconnu : « {code} ». Modèles connus : "
            + ", ".join(TEMPLATES)
            + ".",
            field="template",
        ) from None


def _list_fields(fields: Mapping[str, str]) -> str:
    return ", ".join("{" + f + "}" for f in fields)


def _excerpt(line: str) -> str:
    line = line.strip()
    return line if len(line) <= 70 else line[:67] + "…"


def _inline(
    text: str, lineno: int, fields: Mapping[str, str], bold: bool
) -> tuple[list[Run], bool]:
    """Split a line into runs; returns the runs and the bold state at the end of the line."""
    runs: list[Run] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            runs.append(Run("".join(buf), None, bold))
            buf.clear()

    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("{{", i):
            buf.append("{")
            i += 2
        elif text.startswith("}}", i):
            buf.append("}")
            i += 2
        elif c == "{":
            end = text.find("}", i + 1)
            nxt = text.find("{", i + 1)
            if end == -1 or (nxt != -1 and nxt < end):
                raise InvalidInput(
                    f"Modèle refusé, ligne {lineno} : accolade « {{ » ouverte et jamais fermée "
                    f"dans « {_excerpt(text)} ». Pour écrire une accolade, doublez-la : {{{{ ou }}}}.",
                    field="template",
                )
            name = text[i + 1 : end]
            if name not in fields:
                shown = "{" + name + "}"
                hint = ""
                if not _FIELD.fullmatch(name):
                    hint = " (un nom de champ s'écrit en minuscules, sans espace ni accent)"
                near = get_close_matches(name.lower(), fields, n=1, cutoff=0.75)
                # a typo: the field meant, before the whole list
                guess = f"Vouliez-vous écrire {{{near[0]}}} ? " if near else ""
                raise InvalidInput(
                    f"Modèle refusé, ligne {lineno} : champ inconnu {shown}{hint}. {guess}"
                    f"Champs autorisés : {_list_fields(fields)}.",
                    field="template",
                )
            flush()
            runs.append(Run("", name, bold))
            i = end + 1
        elif c == "}":
            raise InvalidInput(
                f"Modèle refusé, ligne {lineno} : accolade « }} » fermante sans accolade ouvrante "
                f"dans « {_excerpt(text)} ». Pour écrire une accolade, doublez-la : {{{{ ou }}}}.",
                field="template",
            )
        elif text.startswith("[[", i) and "]]" in text[i:]:
            raise InvalidInput(
                f"Modèle refusé, ligne {lineno} : un bloc [[…]] s'écrit seul sur sa ligne, "
                f"sans autre texte (« {_excerpt(text)} »).",
                field="template",
            )
        elif text.startswith("**", i):
            flush()
            bold = not bold
            i += 2
        else:
            buf.append(c)
            i += 1
    flush()
    return runs, bold


def too_long() -> InvalidInput:
    """The refusal of a template longer than ``MAX_LENGTH``."""
    return InvalidInput(
        f"Modèle refusé : il dépasse {group_int(MAX_LENGTH)} caractères (le modèle par défaut "
        f"en compte moins de {group_int(6000)}) ; un bon de commande aussi long ne s'imprimerait "
        "plus. Raccourcissez le texte.",
        field="template",
    )


def parse(source: str, code: str = "contrat") -> Template:
    """Check and parse a template; ``InvalidInput`` (French, with the line) when it is wrong."""
    _title, fields, blocks_allowed, conditions = _spec(code)
    if not source.strip():
        raise InvalidInput("Modèle refusé : il est vide.", field="template")
    if len(source) > MAX_LENGTH:
        raise too_long()
    blocks: list[Block] = []
    para: list[Run] = []
    para_line = 0
    bold_open_at = 0
    bold = False
    opened: list[_Open] = []  # the [[si …]] not yet closed, the innermost last
    named: set[str] = set()  # the conditions of every [[si …]]

    def when() -> tuple[tuple[str, bool], ...]:
        return tuple((o.name, o.else_line == 0) for o in opened)

    def end_paragraph() -> None:
        nonlocal para
        if para:
            blocks.append(Block("paragraph", tuple(para), line=para_line, when=when()))
            para = []

    for lineno, raw in enumerate(source.splitlines(), start=1):
        line = raw.rstrip()
        stripped = line.strip()
        if stripped.startswith("%"):
            continue
        if not stripped:
            if bold:
                break
            end_paragraph()
            continue
        m = _BLOCK_LINE.match(stripped)
        if m:
            if bold:
                break
            end_paragraph()
            name = m.group(1)
            words = name.split()
            if words and words[0] in (IF, ELSE, END):
                _condition_line(words, lineno, opened, conditions)
                named.update(o.name for o in opened)
                continue
            if name not in blocks_allowed:
                allowed = ", ".join(f"[[{b}]]" for b in blocks_allowed)
                raise InvalidInput(
                    f"Modèle refusé, ligne {lineno} : bloc inconnu [[{name}]]. "
                    f"Blocs autorisés : {allowed} ; et pour un texte conditionnel : "
                    f"{CONDITION_SYNTAX}.",
                    field="template",
                )
            if opened:
                raise InvalidInput(
                    f"Modèle refusé, ligne {lineno} : le bloc [[{name}]] figure sur tout "
                    f"document, il ne peut pas dépendre d'une condition ; placez-le hors du "
                    f"[[si {opened[-1].name}]] de la ligne {opened[-1].line} (après son [[fin]]).",
                    field="template",
                )
            blocks.append(Block("insert", (), name, lineno))
            continue
        kind = "paragraph"
        body = stripped
        for prefix, k in (
            ("### ", "subheading"),
            ("## ", "heading"),
            ("# ", "title"),
            ("- ", "item"),
        ):
            if stripped.startswith(prefix):
                kind, body = k, stripped[len(prefix) :].strip()
                break
        was_bold = bold
        runs, bold = _inline(body, lineno, fields, bold)
        if bold and not was_bold:
            bold_open_at = lineno
        if kind == "paragraph":
            if not para:
                para_line = lineno
            elif para and runs:
                para.append(Run(" ", None, was_bold))
            para.extend(runs)
        else:
            if bold:
                break
            end_paragraph()
            blocks.append(Block(kind, tuple(runs), line=lineno, when=when()))
    if bold:
        raise InvalidInput(
            f"Modèle refusé, ligne {bold_open_at} : « ** » (gras) ouvert et jamais fermé dans "
            "le même paragraphe.",
            field="template",
        )
    end_paragraph()
    if opened:
        o = opened[-1]
        raise InvalidInput(
            f"Modèle refusé, ligne {o.line} : [[si {o.name}]] ouvert et jamais fermé ; ajoutez "
            "[[fin]], seul sur sa ligne, après le texte qui en dépend.",
            field="template",
        )
    if not blocks:
        raise InvalidInput("Modèle refusé : il ne contient que des commentaires.", field="template")
    return Template(code, tuple(blocks), source, frozenset(named))


@dataclass(slots=True)
class _Open:
    """A [[si …]] being read: its condition, its line, the line of its [[sinon]] (0: none)."""

    name: str
    line: int
    else_line: int = 0


def _list_conditions(conditions: Mapping[str, str]) -> str:
    return "; ".join(f"[[{IF} {name}]] ({what})" for name, what in conditions.items())


def _condition_line(words: list[str], lineno: int, opened: list[_Open], conditions: Mapping[str, str]) -> None:
    """Read a line [[si …]], [[sinon]] or [[fin]] into ``opened``; refuse it, saying why."""
    word, rest = words[0], " ".join(words[1:])
    if word == IF:
        if rest not in conditions:
            typed = f"[[{IF} {rest}]]" if rest else f"[[{IF}]] sans condition"
            meant = fold(rest).replace(" ", "_")
            near = [meant] if meant in conditions else get_close_matches(meant, conditions, n=1, cutoff=0.75)
            guess = f"Vouliez-vous écrire [[{IF} {near[0]}]] ? " if near else ""
            raise InvalidInput(
                f"Modèle refusé, ligne {lineno} : condition inconnue {typed}. {guess}"
                f"Conditions autorisées : {_list_conditions(conditions)}.",
                field="template",
            )
        opened.append(_Open(rest, lineno))
        return
    if rest:
        raise InvalidInput(
            f"Modèle refusé, ligne {lineno} : [[{word}]] s'écrit seul, sans rien d'autre entre "
            f"les crochets (« [[{' '.join(words)}]] »). Pour une autre condition, ouvrez un "
            f"nouveau [[{IF} …]] après le [[{END}]].",
            field="template",
        )
    if not opened:
        raise InvalidInput(
            f"Modèle refusé, ligne {lineno} : [[{word}]] sans [[{IF} …]] ouvert avant lui. "
            f"Un texte conditionnel s'écrit {CONDITION_SYNTAX}, chacun seul sur sa "
            "ligne.",
            field="template",
        )
    current = opened[-1]
    if word == END:
        opened.pop()
    elif current.else_line:
        raise InvalidInput(
            f"Modèle refusé, ligne {lineno} : second [[{ELSE}]] pour le [[{IF} {current.name}]] "
            f"de la ligne {current.line} (le premier est ligne {current.else_line}) ; fermez-le "
            f"d'abord par [[{END}]].",
            field="template",
        )
    else:
        current.else_line = lineno


def parse_document(source: str, code: str = "contrat") -> Template:
    """``parse``, and the whole document's checks: each of its blocks once (a contract without
    its products or its signatures is no contract). What the store accepts."""
    template = parse(source, code)
    blocks_allowed = allowed_blocks(code)
    used = [b.name for b in template.blocks if b.kind == "insert"]
    for name, what in blocks_allowed.items():
        if used.count(name) != 1:
            how = "manque" if name not in used else f"figure {used.count(name)} fois"
            raise InvalidInput(
                f"Modèle refusé : le bloc [[{name}]] ({what}) {how} ; il doit figurer une fois, "
                "seul sur sa ligne.",
                field="template",
            )
    return template


def fill(
    template: Template,
    values: Mapping[str, str],
    missing: Set[str] = frozenset(),
    conditions: Mapping[str, bool] | None = None,
) -> tuple[Filled, ...]:
    """The template with every field replaced by its value, and only the parts whose
    conditions hold.

    ``values`` must give every field the template uses, ``conditions`` every condition; a
    field listed in ``missing`` is marked so the document can print it as a visible gap. An
    empty value prints nothing.
    """
    out: list[Filled] = []
    for b in template.blocks:
        if not _holds(b.when, conditions or {}):
            continue
        spans: list[Span] = []
        for r in b.runs:
            if r.field is None:
                spans.append(Span(r.text, r.bold))
                continue
            if r.field not in values:
                raise KeyError(f"valeur manquante pour le champ {{{r.field}}}")
            value = values[r.field]
            gap = r.field in missing
            if gap and not value:
                value = f"[à compléter : {r.field}]"
            spans.append(Span(value, r.bold, gap, r.field))
        out.append(Filled(b.kind, _without_empty_brackets(spans), b.name))
    return tuple(out)


def _holds(when: tuple[tuple[str, bool], ...], conditions: Mapping[str, bool]) -> bool:
    for name, wanted in when:
        if name not in conditions:
            raise KeyError(f"valeur manquante pour la condition [[si {name}]]")
        if bool(conditions[name]) != wanted:
            return False
    return True


def _without_empty_brackets(spans: list[Span]) -> tuple[Span, ...]:
    """« Nivelles ({membre_type}), » with nothing to say for the field reads « Nivelles, »,
    not « Nivelles (), »: the brackets around an empty value go with it."""
    for i in range(1, len(spans) - 1):
        before, empty, after = spans[i - 1], spans[i], spans[i + 1]
        if (
            empty.field is not None and not empty.text
            and before.field is None and before.text.endswith("(")
            and after.field is None and after.text.startswith(")")
        ):  # fmt: skip
            spans[i - 1] = replace(before, text=before.text[:-1].rstrip(" "))
            spans[i + 1] = replace(after, text=after.text[1:])
    return tuple(spans)
