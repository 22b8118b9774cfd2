"""Member directory search: an in-memory index, accent-, case- and punctuation-insensitive.

What a user types is matched against names (French and other official names), display names
("CPAS de Nivelles", "ZP 5267 Nivelles/Genappe"), NIS codes, postcodes and police-zone
numbers. A police zone also answers to the names and postcodes of its communes, a CPAS to its
commune's NIS code. A commune formed by a merger answers to the names and NIS codes of the
communes it was formed from (« Bertogne », « 82005 » find Bastogne), and so do its CPAS (names
and codes) and its police zone (names); ``former_note`` says so for each member found. Every
word typed must appear somewhere in the member's keys. Letters and digits typed together are
read apart ("zp5303" is "zp 5303"), "st", "ste" stand for "saint", "sainte" ("st ghislain"
finds Saint-Ghislain) and an elided article may be typed without its apostrophe ("braine
lalleud" finds Braine-l'Alleud).

Ranking, best first:
  0. the member's own NIS code or zone number equal to the query
  1. a postcode (or a borrowed code) equal to the query
  2. a name equal to the query
  3. a name starting with the query
  4. every word of the query starts a word of the name (or of a police zone's communes)
  5. a code starting with the query
  6. the words appear anywhere
  7. only when nothing matches: every word typed is one slip (a letter left out, added, wrong,
     two swapped) away from a word of the member ("namr", "charleroy")
  8. likewise, a word of the member starting one slip away from it ("nivele", five letters
     typed or more)
then communes before CPAS before police zones, rescue zones, provinces and user-created
bodies, then alphabetically. The index is an immutable snapshot (``with_member`` returns a new
one), so a search running on another thread never sees a half-updated index.
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from desktop.core.catalogue import fold
from desktop.core.errors import Ambiguous, InvalidInput, NotFound
from desktop.core.inputs import shown as shown_text
from desktop.core.members import FormerCommune, Member, MemberKind

KIND_ORDER: Mapping[MemberKind, int] = {
    MemberKind.COMMUNE: 0,
    MemberKind.CPAS: 1,
    MemberKind.ZONE_DE_POLICE: 2,
    MemberKind.ZONE_DE_SECOURS: 3,
    MemberKind.PROVINCE: 4,
    MemberKind.INTERCOMMUNALE: 5,
    MemberKind.RCA: 6,
    MemberKind.AUTRE: 7,
}

_SPECIAL = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})
_NOT_ALNUM = re.compile(r"[\W_]+")
_GLUED = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")  # « zp5303 »
# an elided article typed without its apostrophe: « Braine lAlleud », « CPAS dAndenne »
_APOSTROPHES = re.compile("['’‘ʼ`´]")
# the short forms people write: « St-Ghislain », « Ste-Ode », « St. Vith » (Sankt Vith)
# a word typed is compared give or take a slip from this length on (shorter ones match too much)
_CLOSE_FROM = 4
_SHORT_WORDS = {"saint": "st", "sainte": "ste", "sankt": "st", "sint": "st"}
# short forms a user types for some kinds
_KIND_WORDS = {
    MemberKind.ZONE_DE_POLICE: "zp",
    MemberKind.ZONE_DE_SECOURS: "zs",
    MemberKind.RCA: "rca",
}


def normalize(text: str) -> str:
    """'Braine-l’Alleud' -> 'braine l alleud': folded, punctuation turned into spaces."""
    folded = text.lower() if text.isascii() else fold(text).translate(_SPECIAL)
    return _GLUED.sub(" ", _NOT_ALNUM.sub(" ", folded)).strip()


def _elided(text: str) -> str | None:
    """'Braine-l’Alleud' -> 'braine lalleud'; None when the text has no apostrophe."""
    if not _APOSTROPHES.search(text):
        return None
    return normalize(_APOSTROPHES.sub("", text))


def _spellings(texts: Sequence[str], written: Sequence[str]) -> list[str]:
    """Every form of ``texts`` (normalized: ``written``) a user may type: as written, without
    the apostrophes, then the short forms of « saint », in that order and each once."""
    forms = [n for n in written if n]
    if any(map(_APOSTROPHES.search, texts)):
        forms += [e for e in map(_elided, texts) if e]
    return list(dict.fromkeys([*forms, *(s for s in map(_short_forms, forms) if s)]))


def _display_keys(member: Member) -> list[str]:
    """A member's display name as searched: normalized, without its apostrophes (« braine
    lalleud ») and in its short form, if any."""
    return _spellings((member.display_name,), (normalize(member.display_name),))


def _short_forms(name: str) -> str | None:
    """'saint ghislain' -> 'st ghislain'; None when the name has no word to shorten."""
    words = name.split()
    if not any(w in _SHORT_WORDS for w in words):
        return None
    return " ".join(_SHORT_WORDS.get(w, w) for w in words)


@dataclass(frozen=True, slots=True)
class _Entry:
    """What the search compares for one member, normalized once."""

    member: Member
    extra_codes: tuple[str, ...]  # codes borrowed from related members (zone postcodes...)
    extra_names: tuple[str, ...]  # names borrowed likewise (a police zone's communes)
    # the former communes the member answers to, each with the name of the commune they merged
    # into: a commune's own, its CPAS's and its police zone's communes' (borrowed)
    former: tuple[tuple[str, FormerCommune], ...]
    names: tuple[str, ...]  # normalized name, display name, other names (and short forms)
    former_names: tuple[str, ...]  # the own former communes' names, normalized (and short forms)
    words: frozenset[str]
    codes: tuple[str, ...]  # exact codes the member answers to (former NIS codes last)
    haystack: str  # what the member is called today, then its former communes (from ``today``)
    today: int
    key: tuple[int, str]  # (kind order, display name) for ties


def _entry(
    member: Member,
    extra_codes: tuple[str, ...],
    extra_names: tuple[str, ...],
    former: tuple[tuple[str, FormerCommune], ...] = (),
) -> _Entry:
    display = normalize(member.display_name)
    texts = (member.name, member.display_name, *member.other_names)
    written = (normalize(member.name), display, *map(normalize, member.other_names))
    names = tuple(_spellings(texts, written))
    codes = tuple(
        dict.fromkeys(
            c for c in (member.nis, member.zone_number, *member.postcodes, *extra_codes) if c
        )
    )
    borrowed = _spellings(extra_names, [normalize(n) for n in extra_names])
    words = frozenset(w for n in (*names, *borrowed) for w in n.split())
    kind_words = (_kind_label(member.kind), _KIND_WORDS.get(member.kind, ""))
    hay = " " + " ".join((*names, *kind_words, *codes, *borrowed)) + " "
    today = len(hay)
    former_names: tuple[str, ...] = ()
    if former:
        # a commune's names are its own, a CPAS's or a zone's are borrowed (words, not names);
        # a CPAS answers to its commune's codes, a zone to none
        named = [f.name for _, f in former]
        keys = _spellings(named, [normalize(n) for n in named])
        own = member.kind is MemberKind.COMMUNE
        former_names = tuple(keys) if own else ()
        former_codes = [f.nis for _, f in former] if own or member.kind is MemberKind.CPAS else []
        codes = tuple(dict.fromkeys((*codes, *former_codes)))
        words |= {w for n in keys for w in n.split()}
        hay += " ".join((*keys, *former_codes)) + " "
    return _Entry(
        member,
        extra_codes,
        extra_names,
        former,
        names,
        former_names,
        words,
        codes,
        hay,
        today,
        (KIND_ORDER.get(member.kind, 9), display),
    )


_LABELS: dict[MemberKind, str] = {}


def _kind_label(kind: MemberKind) -> str:
    label = _LABELS.get(kind)
    if label is None:
        label = _LABELS[kind] = normalize(kind.label)
    return label


class MemberIndex:
    """Search over a fixed set of members. Build once; ``with_member`` for edits."""

    def __init__(self, members: Iterable[Member] = ()) -> None:
        self._build(list(members), {})

    # ------------------------------------------------------------------ building
    def _build(self, members: list[Member], previous: Mapping[str, _Entry]) -> None:
        by_id = {m.id: m for m in members}
        entries: list[_Entry] = []
        for m in members:
            extra, extra_names = _borrowed(m, by_id)
            former = _former(m, by_id)
            old = previous.get(m.id)
            if (
                old is not None
                and old.member is m
                and old.extra_codes == extra
                and old.extra_names == extra_names
                and old.former == former
            ):
                entries.append(old)  # unchanged: no need to normalize again
            else:
                entries.append(_entry(m, extra, extra_names, former))
        self._members = members
        self._entries = entries
        self._by_id = by_id
        self._entry_by_id = {e.member.id: e for e in entries}
        exact: dict[str, list[int]] = {}
        own: dict[str, list[int]] = {}
        codes: dict[str, list[int]] = {}
        names: list[tuple[str, int]] = []
        words: list[tuple[str, int]] = []
        formerly: dict[str, list[int]] = {}
        for i, e in enumerate(entries):
            for n in e.names:
                exact.setdefault(n, []).append(i)
                names.append((n, i))
            for n in e.former_names:  # searched as names, but no member is called so today
                formerly.setdefault(n, []).append(i)
                names.append((n, i))
            words.extend((w, i) for w in e.words)
            for c in e.codes:
                codes.setdefault(c, []).append(i)
            for own_code in (
                e.member.nis,
                e.member.zone_number,
                *(f.nis for f in e.member.former_communes),
            ):
                if own_code:
                    own.setdefault(own_code, []).append(i)
        names.sort()
        words.sort()
        self._exact = exact
        self._formerly = formerly
        self._codes = codes
        self._own = own
        self._names = names
        self._words = words
        self._code_list = sorted((c, i) for c, ids in codes.items() for i in ids)
        order = sorted(range(len(entries)), key=lambda i: entries[i].key)
        rank = [0] * len(entries)
        for position, i in enumerate(order):
            rank[i] = position
        self._rank = rank

    def _derived(self, members: list[Member]) -> MemberIndex:
        clone = MemberIndex.__new__(MemberIndex)
        clone._build(members, self._entry_by_id)
        return clone

    def with_member(self, member: Member) -> MemberIndex:
        """A new index where ``member`` replaces the member with its id (or is added)."""
        if member.id in self._by_id:
            members = [member if m.id == member.id else m for m in self._members]
        else:
            members = [*self._members, member]
        return self._derived(members)

    def without(self, member_id: str) -> MemberIndex:
        return self._derived([m for m in self._members if m.id != member_id])

    # ------------------------------------------------------------------ reading
    def __len__(self) -> int:
        return len(self._members)

    def __iter__(self) -> Iterator[Member]:
        return iter(self._members)

    def named(self, name: str) -> list[Member]:
        """The members one of whose names (own, displayed, former) is ``name``, accents, case
        and punctuation aside."""
        return [self._entries[i].member for i in self._exact.get(normalize(name), ())]

    def get(self, member_id: str) -> Member | None:
        return self._by_id.get(member_id)

    def members(self) -> list[Member]:
        return list(self._members)

    def search(
        self, query: str, kind: MemberKind | None = None, limit: int = 20, *, close: bool = True
    ) -> list[Member]:
        """Members matching ``query``, best first (see the module docstring); when none does
        and ``close``, those whose words are one typing slip away from a word typed."""
        q = normalize(query)
        if not q or limit <= 0:
            return []
        tokens = q.split()
        single = len(tokens) == 1
        entries = self._entries
        found: dict[int, int] = {}

        def put(candidates: Iterable[int], tier: int, *, checked: bool = False) -> None:
            for i in candidates:
                if i in found:
                    continue
                e = entries[i]
                if kind is not None and e.member.kind is not kind:
                    continue
                # one word: every candidate below contains it; several: check them all
                if not (single or checked) and not all(t in e.haystack for t in tokens):
                    continue
                found[i] = tier

        def word_starts() -> Iterable[int]:
            sets = [set(_prefixed(self._words, t)) for t in tokens]
            return set.intersection(*sets)

        longest = max(tokens, key=len)
        stages: list[tuple[int, Callable[[], Iterable[int]]]] = [
            (0, lambda: self._own.get(q, ()) if single else ()),
            (1, lambda: self._codes.get(q, ()) if single else ()),
            (2, lambda: (*self._exact.get(q, ()), *self._formerly.get(q, ()))),
            (3, lambda: _prefixed(self._names, q)),
            (4, word_starts),
            (5, lambda: _prefixed(self._code_list, q) if single and q.isdigit() else ()),
            (6, lambda: (i for i, e in enumerate(entries) if longest in e.haystack)),
        ]
        for tier, candidates in stages:
            put(candidates(), tier)
            if len(found) >= limit:
                break  # a lower tier can no longer reach the first ``limit`` places
        if not found and close:
            for i, tier in self._close_to(tokens).items():
                put((i,), tier, checked=True)
        rank = self._rank
        best = heapq.nsmallest(limit, ((tier, rank[i], i) for i, tier in found.items()))
        return [entries[i].member for _, _, i in best]

    def _close_to(self, tokens: list[str]) -> dict[int, int]:
        """The members with a word starting as each word typed, or one slip away from it (a
        letter left out, added, wrong or two swapped: « namr », « charleroy »): tier 7 where
        every word typed is a whole word give or take the slip, 8 where one starts so."""
        whole_sets: list[set[int]] = []
        start_sets: list[set[int]] = []
        for t in tokens:
            whole = set(_prefixed(self._words, t))
            start = set(whole)
            if len(t) >= _CLOSE_FROM and t.isalpha():
                starting = len(t) > _CLOSE_FROM  # « amis » would start « ais… » (Aiseau)
                seen: dict[str, tuple[bool, bool]] = {}
                for word, i in _prefixed_pairs(self._words, t[0]):
                    close = seen.get(word)
                    if close is None:
                        slip = _one_slip(word, t)
                        close = seen[word] = (slip, slip or (starting and _starts_close(word, t)))
                    if close[0]:
                        whole.add(i)
                    if close[1]:
                        start.add(i)
            if not start:
                return {}
            whole_sets.append(whole)
            start_sets.append(start)
        wholly = set.intersection(*whole_sets)
        return {i: 7 if i in wholly else 8 for i in set.intersection(*start_sets)}

    def former_note(self, member: Member, query: str) -> str:
        """Why ``member`` answers ``query`` when only a former commune does, for the user to
        read beside its name: « anciennement Bertogne », « ancien code NIS 82005 (Bertogne) »,
        a police zone « Bastogne, anciennement Bertogne »; "" when the member as it is called
        today answers (« Bastogne », « 6600 », « bastgne »)."""
        e = self._entry_by_id.get(member.id)
        if e is None or not e.former:
            return ""
        today = e.haystack[: e.today]
        today_words = today.split()
        apart = [t for t in normalize(query).split() if not _reads(t, today, today_words)]
        for commune, f in e.former if apart else ():
            head = f"{commune}, " if commune != member.name else ""
            if any(t.isdigit() for t in apart):
                if e.member.kind is not MemberKind.ZONE_DE_POLICE and any(f.nis.startswith(t) for t in apart):
                    return f"{head}ancien code NIS {f.nis} ({f.name})"
                continue
            forms = _spellings((f.name,), (normalize(f.name),))
            text = " ".join(forms)
            if all(_reads(t, text, text.split()) for t in apart):
                return f"{head}anciennement {f.name}"
        return ""

    def spelled(self, query: str, kind: MemberKind | None = None) -> bool:
        """Whether a member matches ``query`` as typed, not only one slip away from it."""
        return bool(self.search(query, kind, limit=1, close=False))

    def resolve(self, query: str, kind: MemberKind | None = None) -> Member:
        """One member for ``query``: its id, NIS code, zone number, exact name or single hit
        (a former commune's code or name: the commune it merged into).

        Raises ``NotFound`` when nothing matches and ``Ambiguous`` (with the candidates) when
        several members do.
        """
        text = query.strip()
        member = self._by_id.get(text)
        if member is not None and (kind is None or member.kind is kind):
            return member
        q = normalize(text)
        if not q:
            raise InvalidInput(
                "Indiquez un membre : nom, code postal, code NIS ou numéro de zone de police.",
                field="member",
            )

        def only(ms: list[Member]) -> list[Member]:
            return [m for m in ms if kind is None or m.kind is kind]

        if q.isdigit():
            for attr in ("nis", "zone_number"):
                hits = only([m for m in self._members if getattr(m, attr) == q])
                if len(hits) == 1:
                    return hits[0]
            # a former commune's NIS code (« 82005 »): the commune it merged into
            hits = only([self._entries[i].member for i in self._own.get(q, ())])
            if len(hits) == 1:
                return hits[0]
        exact = only([self._entries[i].member for i in self._exact.get(q, ())])
        by_display = [m for m in exact if q in _display_keys(m)]
        if len(by_display) == 1:
            return by_display[0]
        if len(exact) == 1:
            return exact[0]
        # a former commune's name (« Bertogne »), no member's today: the commune it merged into
        formerly = only([self._entries[i].member for i in self._formerly.get(q, ())])
        if not exact and len(formerly) == 1:
            return formerly[0]
        # a slip is not taken for a choice: « Genape » resolves to no member, not to Genappe
        hits = exact if len(exact) > 1 else self.search(text, kind, limit=11, close=False)
        if len(hits) == 1:
            return hits[0]
        if not hits:
            raise NotFound(
                f"Aucun membre ne correspond à « {shown_text(query)} ». Cherchez par nom, code postal, "
                "code NIS ou numéro de zone de police."
            )
        shown = [f"{m.display_name} ({m.id})" for m in hits[:10]]
        more = " (liste limitée à 10)" if len(hits) > 10 else ""
        raise Ambiguous(
            f"« {shown_text(query)} » désigne plusieurs membres{more} : précisez le nom complet (« CPAS de "
            "Nivelles », « ZP 5267 »), le code NIS ou l'identifiant ci-dessous.",
            shown,
        )


def _borrowed(
    member: Member, by_id: Mapping[str, Member]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Codes and names a member answers to for its related members: a police zone, its
    communes' postcodes and names; a CPAS, its commune's NIS code (its name is the
    commune's already). A rescue zone borrows nothing: it would answer to most searches
    of its province."""
    if member.kind is MemberKind.ZONE_DE_POLICE:
        codes: list[str] = []
        names: list[str] = []
        for cid in member.commune_ids:
            commune = by_id.get(cid)
            if commune is not None:
                codes.extend(commune.postcodes)
                names.extend((commune.name, *commune.other_names))
        return tuple(codes), tuple(names)
    if member.kind is MemberKind.CPAS and member.commune_id:
        commune = by_id.get(member.commune_id)
        if commune is not None and commune.nis:
            return (commune.nis,), ()
    return (), ()


def _former(member: Member, by_id: Mapping[str, Member]) -> tuple[tuple[str, FormerCommune], ...]:
    """The former communes ``member`` answers to, each with the name of the commune they
    merged into: a commune's own, its CPAS's commune's, a police zone's communes' (not a rescue
    zone's: it borrows nothing)."""
    if member.kind is MemberKind.COMMUNE:
        communes: Iterable[Member | None] = (member,)
    elif member.kind is MemberKind.CPAS and member.commune_id:
        communes = (by_id.get(member.commune_id),)
    elif member.kind is MemberKind.ZONE_DE_POLICE:
        communes = (by_id.get(cid) for cid in member.commune_ids)
    else:
        return ()
    return tuple((c.name, f) for c in communes if c is not None for f in c.former_communes)


def _reads(typed: str, text: str, words: Sequence[str]) -> bool:
    """Whether the word ``typed`` is in ``text`` (normalized), or one slip away from the start
    of one of its ``words``, as the search finds it (a word of letters: a code is typed
    exactly)."""
    return typed in text or (
        len(typed) >= _CLOSE_FROM
        and typed.isalpha()
        and any(_one_slip(w, typed) or _starts_close(w, typed) for w in words)
    )


def _prefixed_pairs(pairs: list[tuple[str, int]], prefix: str) -> Iterator[tuple[str, int]]:
    for j in range(bisect_left(pairs, (prefix, -1)), len(pairs)):
        pair = pairs[j]
        if not pair[0].startswith(prefix):
            break
        yield pair


def _prefixed(pairs: list[tuple[str, int]], prefix: str) -> Iterator[int]:
    return (i for _, i in _prefixed_pairs(pairs, prefix))


def _starts_close(word: str, typed: str) -> bool:
    """Whether ``word`` starts with ``typed`` give or take one slip."""
    n = len(typed)
    return any(_one_slip(word[:m], typed) for m in (n - 1, n, n + 1) if m <= len(word))


def _one_slip(a: str, b: str) -> bool:
    """Whether ``b`` is ``a`` with at most one letter left out, added, changed, or two
    neighbouring letters swapped."""
    if len(a) > len(b):
        a, b = b, a
    if len(b) - len(a) > 1:
        return False
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) < len(b):
        return a[i:] == b[i + 1 :]
    if a[i + 1 :] == b[i + 1 :]:
        return True
    return a[i : i + 2] == b[i + 1 : i + 2] + b[i : i + 1] and a[i + 2 :] == b[i + 2 :]
