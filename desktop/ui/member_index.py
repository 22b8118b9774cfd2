"""In-memory member search for search-as-you-type (Qt-free, safe to call from a worker).

An index is an immutable snapshot: editing a member builds a new index (``with_member``), so
a search running on a pool thread never sees a half-updated list.

Matching: every word typed must appear in the member's keys (name, display name, kind,
postcodes, NIS code, zone number), accents, case and punctuation ignored. Ranking: exact code
(NIS, postcode, zone number), then names starting with the query, then a word of the name
starting with it, then anything else; communes before their CPAS and zones at equal rank.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from desktop.core.catalogue import fold
from desktop.core.members import Member, MemberKind

_PUNCT = str.maketrans(dict.fromkeys("-'’.,;/()«»\"", " "))

_KIND_ORDER = {
    MemberKind.COMMUNE: 0,
    MemberKind.CPAS: 1,
    MemberKind.ZONE_DE_POLICE: 2,
    MemberKind.ZONE_DE_SECOURS: 3,
    MemberKind.PROVINCE: 4,
    MemberKind.INTERCOMMUNALE: 5,
    MemberKind.RCA: 6,
    MemberKind.AUTRE: 7,
}


def normalize(text: str) -> str:
    return " ".join(fold(text).translate(_PUNCT).split())


@dataclass(frozen=True, slots=True)
class _Entry:
    member: Member
    name: str  # normalized name
    display: str  # normalized display name
    words: tuple[str, ...]  # words of name and display name
    codes: tuple[str, ...]  # nis, postcodes, zone number
    haystack: str  # everything, space-separated, with leading space for word starts
    order: int


def _entry(member: Member) -> _Entry:
    name = normalize(member.name)
    display = normalize(member.display_name)
    codes = tuple(c for c in (member.nis, member.zone_number, *member.postcodes) if c)
    words = tuple(dict.fromkeys((*name.split(), *display.split())))
    hay = " " + " ".join((display, name, normalize(member.kind.label), *codes))
    return _Entry(member, name, display, words, codes, hay, _KIND_ORDER.get(member.kind, 9))


class MemberIndex:
    def __init__(self, members: Iterable[Member] = ()) -> None:
        self._build(tuple(_entry(m) for m in members))

    def _build(self, entries: tuple[_Entry, ...]) -> None:
        self._entries = entries
        self._by_id: Mapping[str, Member] = {e.member.id: e.member for e in entries}
        names: set[tuple[str, int]] = set()
        words: set[tuple[str, int]] = set()
        codes: dict[str, list[int]] = {}
        for i, e in enumerate(entries):
            names.add((e.name, i))
            names.add((e.display, i))
            words.update((w, i) for w in e.words)
            for c in e.codes:
                codes.setdefault(c, []).append(i)
        self._names = sorted(names)
        self._words = sorted(words)
        self._codes = codes

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, member_id: str) -> Member | None:
        return self._by_id.get(member_id)

    def members(self) -> list[Member]:
        return [e.member for e in self._entries]

    def with_member(self, member: Member) -> MemberIndex:
        """A new index where ``member`` replaces the one with its id (or is added)."""
        clone = MemberIndex.__new__(MemberIndex)
        entries = [e for e in self._entries if e.member.id != member.id]
        entries.append(_entry(member))
        clone._build(tuple(entries))
        return clone

    def search(self, query: str, limit: int = 50) -> list[Member]:
        q = normalize(query)
        if not q:
            return []
        tokens = q.split()
        entries = self._entries
        taken: set[int] = set()
        out: list[int] = []

        def accept(candidates: Iterable[int]) -> None:
            fresh = []
            for i in candidates:
                if i in taken:
                    continue
                hay = entries[i].haystack
                if all(t in hay for t in tokens):
                    taken.add(i)
                    fresh.append(i)
            fresh.sort(key=lambda i: (entries[i].order, entries[i].name))
            out.extend(fresh)

        accept(self._codes.get(q, ()))  # exact NIS / postcode / zone number
        accept(_prefixed(self._names, q))  # name starts with the query
        if len(out) < limit:  # a word of the name, or a code, starts with the first word
            accept(_prefixed(self._words, tokens[0]))
            if q.isdigit():
                accept(i for code, ids in self._codes.items() if code.startswith(q) for i in ids)
        if len(out) < limit:  # anywhere
            accept(range(len(entries)))
        return [entries[i].member for i in out[:limit]]


def _prefixed(pairs: list[tuple[str, int]], prefix: str) -> Iterable[int]:
    start = bisect_left(pairs, (prefix, -1))
    for key, i in pairs[start:]:
        if not key.startswith(prefix):
            break
        yield i
