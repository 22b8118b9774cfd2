"""The characters the documents can print.

Offers and order forms are set in DejaVu Sans, in four faces (regular, bold, oblique, bold
oblique). A character one of them lacks prints as an empty box (« ✅ », « 👍 », a Word bullet
from its private area, Chinese), and reportlab sets Arabic and Hebrew letters left to right,
in reverse order. Text that goes on a document is checked against this table, which is what
every face draws, written left to right (a test reads the fonts and compares).
"""

from __future__ import annotations

from bisect import bisect_right

# code point ranges, in hexadecimal: « 0020-007E » from U+0020 to U+007E, « 02F3 » one
_RANGES = """
    0020-007E 00A0-00AC 00AE-02E9 02EC-02EE 02F3 02F7 0300-034F 0351-0353 0357-0358 035A
    035C-0362 0370-0377 037A-037F 0384-038A 038C 038E-03A1 03A3-0525 0531-0556 0559-055F
    0561-0587 0589-058A 05B0-05BD 05BF 05C1-05C2 05C7 0E3F 0E81-0E82 0E84 0E87-0E88 0E8A 0E8D
    0E94-0E97 0E99-0E9F 0EA1-0EA3 0EA5 0EA7 0EAA-0EAB 0EAD-0EB9 0EBB-0EBD 0EC0-0EC4 0EC6
    0EC8-0ECD 0ED0-0ED9 0EDC-0EDD 10A0-10C5 10D0-10FC 1401-1407 1409-141B 141D-1435 1437-144A
    144C-1452 1454-14BD 14C0-14EA 14EC-1507 1510-153E 1540-1550 1552-156A 1574-1585 158A-1596
    15A0-15AF 15DE 15E1 1646-1647 166E-1676 1D00-1D14 1D16-1D23 1D26-1D2E 1D30-1D5B 1D5D-1D6A
    1D77-1D78 1D7B 1D7D 1D85 1D9B-1DBF 1DC4-1DC9 1E00-1EFB 1F00-1F15 1F18-1F1D 1F20-1F45
    1F48-1F4D 1F50-1F57 1F59 1F5B 1F5D 1F5F-1F7D 1F80-1FB4 1FB6-1FC4 1FC6-1FD3 1FD6-1FDB
    1FDD-1FEF 1FF2-1FF4 1FF6-1FFE 2000-200A 2010-2029 202F-205F 2070-2071 2074-208E 2090-209C
    20A0-20B5 20B8-20BA 20BD 20D0-20D1 20D6-20D7 20DB-20DC 20E1 2100-2109 210B-2149 214B 214E
    2150-2185 2189 2190-2311 2318-2319 231C-2321 2324-2328 232B-232C 2373-2375 237A 237D 2387
    2394 239B-23AE 23CE-23CF 23E3 23E5 23E8 2422-2423 2460-2469 2500-269C 269E-26B8 26C0-26C3
    26E2 2701-2704 2706-2709 270C-2727 2729-274B 274D 274F-2752 2756 2758-275E 2761-2794
    2798-27AF 27B1-27BE 27C5-27C6 27E0 27E6-27EB 27F0-28FF 2906-2907 290A-290B 2940-2941
    2983-2984 29CE-29D5 29EB 29FA-29FB 2A00-2A02 2A0C-2A1C 2A2F 2A6A-2A6B 2A7D-2AA0 2AAE-2ABA
    2AF9-2AFA 2B00-2B1A 2B1F-2B24 2B53-2B54 2C60-2C77 2C79-2C7F 2D00-2D25 2E18 2E1F 2E22-2E25
    2E2E 4DC0-4DFF A4D0-A4FF A644-A647 A64C-A64D A650-A651 A654-A657 A662-A66E A68A-A68D
    A694-A695 A698-A699 A708-A716 A71B-A71F A722-A72B A730-A741 A746-A74B A74E-A753 A756-A757
    A764-A767 A780-A783 A789-A78E A790-A791 A7A0-A7AA A7F8-A7FF FB00-FB06 FB13-FB17 FB1E FB29
    FE00-FE0F FE20-FE23 FFFC-FFFD 10300-1031E 10320-10323 1D300-1D356 1D538-1D539 1D53B-1D53E
    1D540-1D544 1D546 1D54A-1D550 1D552-1D56B 1D7D8-1D7E1 1F030-1F093 1F0A0-1F0AE 1F0B1-1F0BE
    1F0C1-1F0CF 1F0D1-1F0DF 1F311-1F318 1F42D-1F42E 1F431 1F435 1F600-1F623 1F625-1F62B
    1F62D-1F640 1F643
"""


def _bounds() -> tuple[list[int], list[int]]:
    starts: list[int] = []
    ends: list[int] = []
    for item in _RANGES.split():
        first, _, last = item.partition("-")
        starts.append(int(first, 16))
        ends.append(int(last or first, 16))
    return starts, ends


_STARTS, _ENDS = _bounds()


def printable(char: str) -> bool:
    """Whether ``char`` prints as itself in the documents' font."""
    code = ord(char)
    i = bisect_right(_STARTS, code) - 1
    return i >= 0 and code <= _ENDS[i]


def ranges() -> list[tuple[int, int]]:
    """The table as (first, last) code points, in order."""
    return list(zip(_STARTS, _ENDS, strict=True))
