"""Turkish text handling shared by search, import and demo data. Pure functions, no ORM.

- ``tr_fold``: case folding that knows İ/i and I/ı ("İSTİHDAM" -> "istihdam",
  "IŞIK" -> "ışık"). The same table is used in SQL (see ``plans.lookups``), so a folded
  query matches a folded column on SQLite and PostgreSQL alike.
- ``parse_number``: Turkish and international numbers ("1.234,5", "%8,2", "%7.88").
- ``parse_figure``: one target/realization cell -> state, value, groups, raw text.
- unit names (``split_units``, ``unit_key``, repair, kind, closest) are in ``plans.unit_names``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

TR_UPPER = "ABCÇDEFGĞHIİJKLMNOÖPQRSŞTUÜVWXYZÂÎÛ"
TR_LOWER = "abcçdefgğhıijklmnoöpqrsştuüvwxyzâîû"
_FOLD_TABLE = str.maketrans(TR_UPPER, TR_LOWER)


@lru_cache(maxsize=8192)  # plan imports fold the same cell texts again and again
def tr_fold(text: str) -> str:
    """Lower-case with Turkish rules (the SQL ``TrFold`` of plans.lookups gives the same
    for Turkish text)."""
    return unicodedata.normalize("NFC", text or "").translate(_FOLD_TABLE)


def tr_upper(text: str) -> str:
    return (text or "").translate(str.maketrans(TR_LOWER, TR_UPPER))


def tr_capitalize(text: str) -> str:
    """ "İŞYERİ EĞİTİMİ" -> "İşyeri eğitimi" (``str.capitalize`` gives "İşyeri̇ eği̇ti̇mi̇")."""
    folded = tr_fold(text)
    return tr_upper(folded[:1]) + folded[1:]


_TR_ALPHABET = "aâbcçdefgğhıiîjklmnoöpqrsştuüûvwxyz"
_TR_ORDER = {ch: i for i, ch in enumerate(_TR_ALPHABET)}


def tr_sort_key(text: str) -> tuple:
    """Sort key in Turkish alphabetical order (c < ç < d, ı < i, o < ö, s < ş, u < ü)."""
    return tuple(_TR_ORDER.get(ch, 100 + ord(ch)) for ch in tr_fold(text))


_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=4096, typed=True)  # the importers ask about the same cell many times
def clean_text(text: object) -> str:
    """Cell text with runs of whitespace (line breaks included) made one space."""
    if text is None:
        return ""
    return _SPACES.sub(" ", text if type(text) is str else str(text)).strip()


_PLACE_ASCII = str.maketrans("çğıöşüâîû", "cgiosuaiu")


def plan_heading(municipality: str, title: str, sep: str = " — ") -> str:
    """A plan's title naming its municipality once: "Mersin Büyükşehir Belediyesi Yerel
    Eşitlik Eylem Planı" stays as it is (it says whose it is, in any case or spelling),
    "Eylem Planı" becomes "Narlıdere Belediyesi — Eylem Planı"."""
    municipality, title = clean_text(municipality), clean_text(title)
    place = re.sub(r"\s+(büyükşehir\s+|büyük\s+şehir\s+)?belediyesi$", "", tr_fold(municipality))
    place = place.translate(_PLACE_ASCII)
    if not municipality or (place and place in tr_fold(title).translate(_PLACE_ASCII)):
        return title
    return f"{municipality}{sep}{title}" if title else municipality


# ---------------------------------------------------------------- numbers


def tr_int(n: int) -> str:
    """1234567 -> "1.234.567" (Turkish thousands separator)."""
    return f"{n:,}".replace(",", ".")


_NUMBER_RE = re.compile(r"^[+-]?(\d{1,3}([.\s]\d{3})+|\d+)?([.,]\d+)?$")


def parse_number(text: object) -> Decimal | None:
    """A number written the Turkish or the international way, or None.

    "1.234,5" -> 1234.5; "8,2" -> 8.2; "%7.88" -> 7.88; "1.234" -> 1234 (a dot before
    exactly three digits is a thousands separator); "12.5" -> 12.5.
    """
    if isinstance(text, bool):
        return None
    if isinstance(text, int | float | Decimal):
        try:
            return Decimal(str(text))
        except InvalidOperation:
            return None
    s = clean_text(text).replace("%", "").replace(" ", "").strip()
    if not s or not re.search(r"\d", s):
        return None
    if "," in s and "." in s:
        # whichever comes last is the decimal mark
        if s.rfind(",") > s.rfind("."):
            s = s.replace(".", "").replace(",", ".")
        else:
            s = s.replace(",", "")
    elif "," in s:
        s = s.replace(",", "") if s.count(",") > 1 else s.replace(",", ".")
    elif s.count(".") > 1 or "." in s and re.fullmatch(r"[+-]?\d{1,3}\.\d{3}", s):
        s = s.replace(".", "")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", s):
        return None
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


def numeric_text(raw: str) -> bool:
    """True when a cell's text says nothing beyond its number ("987", "%8,2", "1.234")."""
    return not re.search(r"[^\d\s.,%+\-]", raw or "")


# ---------------------------------------------------------------- figure cells

DASHES = {"-", "–", "—", "--", "---", "‐", "−"}
TBD_PATTERNS = ("belli olacak", "belirlenecek", "netleşecek", "karar verilecek")

# Group aliases: folded label -> group code. The Group table (plans.models.Group) is
# seeded from DEFAULT_GROUPS; its ``aliases`` column extends this list per installation.
DEFAULT_GROUPS: list[dict] = [
    {
        "code": "kadin",
        "name": "Kadın",
        "sex": "female",
        "age_band": "adult",
        "disability": False,
        "aliases": ["kadın", "kadınlar", "kadin", "bayan", "anne"],
    },
    {
        "code": "erkek",
        "name": "Erkek",
        "sex": "male",
        "age_band": "adult",
        "disability": False,
        "aliases": ["erkek", "erkekler", "bay", "erkek veli"],
    },
    {
        "code": "kiz-cocuk",
        "name": "Kız çocuğu",
        "sex": "female",
        "age_band": "child",
        "disability": False,
        "aliases": ["kız çocuğu", "kız çocuk", "kız çocuklar", "kız", "kız öğrenci", "kız genç"],
    },
    {
        "code": "oglan-cocuk",
        "name": "Oğlan çocuğu",
        "sex": "male",
        "age_band": "child",
        "disability": False,
        "aliases": [
            "oğlan çocuğu",
            "oğlan çocuk",
            "erkek çocuğu",
            "erkek çocuk",
            "oğlan",
            "erkek öğrenci",
            "kız oğlan çocuğu",
            "oğlan çocuklar",
            "erkek genç",
        ],
    },
    {
        "code": "engelli-kadin",
        "name": "Engelli kadın",
        "sex": "female",
        "age_band": "adult",
        "disability": True,
        "aliases": ["kadın engelli", "engelli kadın"],
    },
    {
        "code": "engelli-erkek",
        "name": "Engelli erkek",
        "sex": "male",
        "age_band": "adult",
        "disability": True,
        "aliases": ["erkek engelli", "engelli erkek"],
    },
    {
        "code": "personel",
        "name": "Personel",
        "sex": "",
        "age_band": "adult",
        "disability": False,
        "aliases": ["personel", "personeli", "çalışan", "belediye personeli"],
    },
    {
        "code": "kadin-personel",
        "name": "Kadın personel",
        "sex": "female",
        "age_band": "adult",
        "disability": False,
        "aliases": ["kadın personel", "kadın personeli", "kadın çalışan"],
    },
    {
        "code": "erkek-personel",
        "name": "Erkek personel",
        "sex": "male",
        "age_band": "adult",
        "disability": False,
        "aliases": ["erkek personel", "erkek personeli", "erkek çalışan"],
    },
    {
        "code": "engelli",
        "name": "Engelli",
        "sex": "",
        "age_band": "",
        "disability": True,
        "aliases": ["engelli", "engelliler", "engelli birey"],
    },
    {
        "code": "genc",
        "name": "Genç",
        "sex": "",
        "age_band": "youth",
        "disability": False,
        "aliases": ["genç", "gençler"],
    },
    {
        "code": "yasli",
        "name": "Yaşlı",
        "sex": "",
        "age_band": "elderly",
        "disability": False,
        "aliases": ["yaşlı", "yaşlılar"],
    },
]

# Words that name what is counted, not who: "30 Kişi", "25 çift", "5 adet".
COUNT_WORDS = {"kişi", "kisi", "çift", "adet", "aile", "hane", "katılımcı", "tane", "kez"}


class FigureState:
    VALUE = "value"
    NOT_APPLICABLE = "na"
    BLANK = "blank"
    TBD = "tbd"
    TEXT = "text"


@dataclass
class ParsedFigure:
    raw: str
    state: str
    value: Decimal | None = None
    is_percent: bool = False
    groups: list[tuple[str, Decimal]] = field(default_factory=list)
    unit_word: str = ""

    @property
    def has_groups(self) -> bool:
        return bool(self.groups)


def default_group_aliases() -> dict[str, str]:
    return {tr_fold(alias): g["code"] for g in DEFAULT_GROUPS for alias in g["aliases"]}


def _label_key(label: str) -> str:
    label = re.sub(r"\([^)]*\)", " ", label)  # "erkek (veli)" -> "erkek"
    label = re.sub(r"[^\w\s]", " ", tr_fold(label))
    return re.sub(r"\s+", " ", label).strip()


def _group_of(key: str, aliases: dict[str, str]) -> str | None:
    """The group a label names, also by its last words: "destek hizmetleri personeli"
    -> staff, "şiddet mağduru kadın" -> women."""
    words = key.split()
    for i in range(len(words)):
        code = aliases.get(" ".join(words[i:]))
        if code:
            return code
    return None


_VERBAL = re.compile(r"(ması|mesi|mak|mek)$")


def _is_count_noun(key: str) -> bool:
    """ "atölye", "mahalle", "broşür dağıtımı", "pazar yeri ve meydan": what is counted.
    A label that reads as an action ("kadın meclisinin kurulması") is a milestone."""
    words = key.split()
    return 0 < len(words) <= 4 and not any(_VERBAL.search(w) for w in words)


_SEGMENT_RE = re.compile(r"(\d[\d.,]*)\s*([^\d]*)")


def parse_figure(raw: object, group_aliases: dict[str, str] | None = None) -> ParsedFigure:
    """Read one target or realization cell.

    "-" is not applicable (never zero); "" is blank; "Toplantıda belli olacak" is to be
    decided; "%8,2" is 8.2 percent; "50 Kadın 50 Erkek" is two group values; a sentence
    such as "Yönetmeliğin hazırlanması" is a text milestone.
    """
    if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        return ParsedFigure(raw=clean_text(raw), state=FigureState.VALUE, value=parse_number(raw))
    text = clean_text(raw)
    if text == "":
        return ParsedFigure(raw="", state=FigureState.BLANK)
    if text in DASHES:
        return ParsedFigure(raw=text, state=FigureState.NOT_APPLICABLE)
    folded = tr_fold(text)
    if any(p in folded for p in TBD_PATTERNS):
        return ParsedFigure(raw=text, state=FigureState.TBD)
    is_percent = "%" in text
    value = parse_number(text)
    if value is not None:
        return ParsedFigure(raw=text, state=FigureState.VALUE, value=value, is_percent=is_percent)
    aliases = group_aliases if group_aliases is not None else default_group_aliases()
    body = text.replace("%", "% ").strip()
    if re.match(r"^\d", body):
        segments = _SEGMENT_RE.findall(body)
        groups: list[tuple[str, Decimal]] = []
        unit_word = ""
        ok = True
        for number, label in segments:
            num = parse_number(number.rstrip(".,"))
            key = _label_key(label)
            if num is None:
                ok = False
                break
            code = _group_of(key, aliases)
            if code:
                groups.append((code, num))
            elif len(segments) == 1 and (key in COUNT_WORDS or _is_count_noun(key)):
                unit_word = key
                return ParsedFigure(
                    raw=text,
                    state=FigureState.VALUE,
                    value=num,
                    is_percent=is_percent,
                    unit_word=unit_word,
                )
            else:
                ok = False
                break
        if ok and groups:
            merged: dict[str, Decimal] = {}
            for code, num in groups:
                merged[code] = merged.get(code, Decimal(0)) + num
            return ParsedFigure(
                raw=text,
                state=FigureState.VALUE,
                value=sum(merged.values(), Decimal(0)),
                is_percent=is_percent,
                groups=list(merged.items()),
            )
    return ParsedFigure(raw=text, state=FigureState.TEXT, is_percent=is_percent)


# ---------------------------------------------------------------- codes and timing

_CODE_RE = re.compile(r"^\s*(\d+(?:\.\d+)*)\s*\.?\s*(?=\S|$)")


def split_code(text: object) -> tuple[str, str]:
    """("1.1.1", "Dijital ...") from "1.1.1. Dijital ..." / "1.1.1 ..." / "3.2.3.Göçmen"."""
    s = clean_text(text)
    m = _CODE_RE.match(s)
    if not m:
        return "", s
    code = re.sub(r"\s+", "", m.group(1))
    rest = s[m.end() :].lstrip(". ").strip()
    if "." not in code and not rest:
        return "", s
    return code, rest


def parse_timing(raw: object) -> dict:
    """Timing cell -> {"timing": short|medium|long|range|"", "start_year", "end_year"}."""
    text = clean_text(raw)
    folded = tr_fold(text)
    years = [int(y) for y in re.findall(r"\b(20\d{2})\b", text)]
    result = {"timing": "", "start_year": None, "end_year": None}
    if "kısa" in folded:
        result["timing"] = "short"
    elif "orta" in folded:
        result["timing"] = "medium"
    elif "uzun" in folded:
        result["timing"] = "long"
    if years:
        result["start_year"], result["end_year"] = min(years), max(years)
        if not result["timing"]:
            result["timing"] = "range"
    return result


def split_indicators(text: object) -> list[str]:
    """Indicator names in one cell: "-Düzenlenen eğitim sayısı -Katılımcı sayısı" gives
    two, and so do two lines (a line starting in lower case continues the one above).
    A dash inside a word or between numbers ("18-25 yaş") is not a separator."""
    return list(_split_indicators(text))


@lru_cache(maxsize=4096, typed=True)  # the same indicator names come row after row
def _split_indicators(text: object) -> tuple[str, ...]:
    s = str(text or "").replace("\r", "\n")
    if not clean_text(s) or clean_text(s) in {"-", "–"}:
        return ()
    lines: list[str] = []
    for line in s.split("\n"):
        line = line.strip()
        if not line:
            continue
        if lines and not re.match(r"^[-–•]", line) and not line[:1].isupper():
            lines[-1] += " " + line
        else:
            lines.append(line)
    names: list[str] = []
    for line in lines:
        parts = re.split(r"(?:^|(?<=\s))[-–•]\s*(?=[^\W\d_])", line)
        names.extend(clean_text(p).lstrip("-–• ").rstrip(":,;").strip() for p in parts)
    return tuple(n for n in names if n)


# ---------------------------------------------------------------- indicators that count people

# Head nouns of an indicator name ("Eğitime katılan kadın sayısı") that name people.
# Families ("aile"), couples ("çift"), households ("hane") and organisations are not
# people: a sum of them with people would mix units.
PEOPLE_NOUNS = frozenset(
    tr_fold(w)
    for w in (
        "kişi",
        "kişiler",
        "birey",
        "bireyler",
        "katılımcı",
        "katılımcılar",
        "kadın",
        "kadınlar",
        "erkek",
        "erkekler",
        "çocuk",
        "çocuklar",
        "çocuğu",
        "kız",
        "oğlan",
        "yaşlı",
        "yaşlılar",
        "genç",
        "gençler",
        "engelli",
        "engelliler",
        "öğrenci",
        "öğrenciler",
        "personel",
        "personeli",
        "çalışan",
        "çalışanlar",
        "muhtar",
        "muhtarlar",
        "mülteci",
        "mülteciler",
        "vatandaş",
        "vatandaşı",
        "gönüllü",
        "gönüllüler",
        "sporcu",
        "sporcular",
        "kursiyer",
        "kursiyerler",
        "veli",
        "anne",
        "baba",
        "yararlanıcı",
        "danışan",
    )
)
# Words that say "people" without saying which: dropped before the group is looked for
# ("Katılan kadın katılımcı sayısı" counts women).
_GENERIC_PEOPLE = frozenset(
    tr_fold(w) for w in ["kişi", "kişiler", "birey", "bireyler", "katılımcı", "katılımcılar"]
)
_PEOPLE_UNITS = frozenset(tr_fold(w) for w in ("kişi", "kişi sayısı", "katılımcı", "birey"))
_COUNT_END = re.compile(r"\s(sayısı|sayisi|sayı)$")


def guess_people(
    name: str, unit_of_measure: str = "", group_aliases: dict[str, str] | None = None
) -> tuple[bool, str | None]:
    """Whether an indicator counts people, and which group when its name says so.

    Conservative: a name ending in "sayısı" whose head noun names people ("Eğitim alan
    kadın sayısı" -> (True, "kadin"); "Katılımcı sayısı" -> (True, None)), or a unit of
    measure "kişi". Rates, two counts in one name ("eğitim sayısı / katılan kadın
    sayısı") and counts of events, places or families ("Eğitim sayısı", "Katılımcı STK
    sayısı", "engelli aile sayısı") are not people.
    """
    unit = tr_fold(clean_text(unit_of_measure))
    if "%" in unit:
        return False, None
    folded = tr_fold(clean_text(name))
    if "/" in folded or len(re.findall(r"\bsayı", folded)) > 1 or re.search(r"\boran", folded):
        return False, None
    key = _label_key(name)
    ends_in_count = _COUNT_END.search(" " + key)
    words = _COUNT_END.sub("", " " + key).split() if ends_in_count else []
    people = bool(words) and words[-1] in PEOPLE_NOUNS
    if not people and unit not in _PEOPLE_UNITS:
        return False, None
    while words and words[-1] in _GENERIC_PEOPLE:
        words.pop()
    if not words:
        return True, None
    aliases = group_aliases if group_aliases is not None else default_group_aliases()
    if len(words) > 1 and " ".join(words[-2:]) not in aliases and words[-2] in aliases:
        return True, None  # "kadın-erkek sayısı": two groups, none alone
    return True, _group_of(" ".join(words), aliases)
