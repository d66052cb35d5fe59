"""Unit names as plan tables write them. Pure functions, no ORM.

- ``repair_turkish``: letters mangled by a wrong code page ("Saęlık", "Ýþletme",
  "MÃ¼dÃ¼rlÃ¼ÄŸÃ¼") back to Turkish.
- ``split_units``: a responsible/partner cell into unit names. Names run together with no
  separator are cut after a word that ends a name ("... Müdürlüğü Sağlık İşleri
  Müdürlüğü"), never inside one ("Ruhsat ve Denetim Müdürlüğü" is one unit).
- ``unit_key``: the matching key (folded, repaired, abbreviations expanded).
- ``guess_unit_kind``: the municipality's own directorate, an outside partner, or a
  collective phrase ("Tüm Müdürlükler").
- ``closest_units``: the known units nearest to a new name, for the import preview.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

from .text import DASHES, clean_text, tr_fold

# ---------------------------------------------------------------- code-page repair

# Turkish letters read through a Western or Central European code page: never Turkish.
_WRONG_LETTERS = str.maketrans(
    {"ę": "ğ", "Ę": "Ğ", "ð": "ğ", "Ð": "Ğ", "ý": "ı", "Ý": "İ", "þ": "ş", "Þ": "Ş"}
)
# UTF-8 bytes read as Windows-1252: "Ã¼" is "ü", "ÄŸ" is "ğ", "Ä±" is "ı".
_UTF8_AS_1252 = re.compile(
    r"[ÃÄÅ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u2013-\u203a\u20ac\u2122\u02c6\u02dc\u0192]"
)


def _utf8_pair(m: re.Match) -> str:
    pair = m.group()
    for page in ("cp1252", "latin-1"):
        try:
            return pair.encode(page).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    return pair


def repair_turkish(text: str) -> str:
    """ "Saęlık İşleri Müdürlüęü" -> "Sağlık İşleri Müdürlüğü"; "Ýþletme" -> "İşletme";
    "KÃ¼ltÃ¼r" -> "Kültür". Text without such letters comes back unchanged."""
    if not text:
        return ""
    return _UTF8_AS_1252.sub(_utf8_pair, text).translate(_WRONG_LETTERS)


# ---------------------------------------------------------------- splitting a cell

# Words that end a directorate's name: "ve" after one of these starts another unit.
_DIRECTORATE_END = {
    "müdürlüğü",
    "müdürlügü",
    "müdürlükleri",
    "müdürlük",
    "başkanlığı",
    "başkanlıkları",
    "birimi",
    "birimleri",
    "şefliği",
    "koordinatörlüğü",
    "amirliği",
    "müd.",
    "md.",
    "bşk.",
    "d.b.",
    "d.b",
    "koor.",
    "koord.",
}
# Other words that end a name ("... Derneği", "... Odaları", "STK'lar").
_OTHER_END = {
    "derneği",
    "dernekleri",
    "komutanlığı",
    "merkezi",
    "merkezleri",
    "kaymakamlığı",
    "valiliği",
    "odası",
    "odaları",
    "vakfı",
    "üniversitesi",
    "üniversiteler",
    "kooperatifi",
    "federasyonu",
    "platformu",
    "meclisi",
    "muhtarlıkları",
    "muhtarlıklar",
    "muhtarlar",
    "müdürlükler",
    "paydaşlar",
    "kurumu",
    "kurumlar",
    "kuruluşları",
    "kuruluşlar",
    "şirketi",
    "a.ş.",
    "belediyesi",
    "belediyeleri",
    "stk'lar",
    "stk’lar",
    "stklar",
    "örgütleri",
    "fabrikası",
    "yönetimi",
    "mahkemeler",
    "temsilcileri",
    "enstitüsü",
    "birliği",
    "başkanı",
}
# Names of one word, written beside others: a name of their own.
_STANDALONE = {"işkur", "ketem", "şönim", "baro", "ndı", "ndi"}
# Plural names that stand alone after another name ("... Müdürlüğü STK'lar").
_PLURALS = {
    "üniversiteler",
    "muhtarlar",
    "muhtarlıklar",
    "stk'lar",
    "stk’lar",
    "stklar",
    "paydaşlar",
    "kooperatifler",
}
# A name that starts here starts a new unit ("... Derneği Tüm Müdürlükler").
_STARTS = {"Tüm", "TÜM", "Bütün", "BÜTÜN", "İlgili", "İLGİLİ", "Diğer", "DİĞER"}


def _word_key(word: str) -> str:
    return tr_fold(repair_turkish(word)).strip(",;:()")


def _ends_name(key: str, ends: set[str]) -> bool:
    """ "Müdürlüğü", "Müd.", and "Hiz.Müd." (an abbreviation glued to the word before)."""
    return key in ends or ("." in key[:-1] and key.rsplit(".", 2)[-2] + "." in ends)


def _split_run(chunk: str) -> list[str]:
    """Names run together in one line, cut where one name ends and the next begins."""
    words = chunk.split()
    keys = [_word_key(w) for w in words]
    ends = _DIRECTORATE_END | _OTHER_END
    names: list[list[str]] = [[]]
    for i, (word, key) in enumerate(zip(words, keys, strict=True)):
        current = names[-1]
        alone = key in _STANDALONE and len(words) > 1 and not word.startswith("(")
        if current and (word in _STARTS or alone):
            names.append([])
        elif (
            key == "ve"
            and current
            and _ends_name(keys[i - 1], _DIRECTORATE_END)
            and i + 1 < len(words)
        ):
            names.append([])  # "X Müdürlüğü ve Y Müdürlüğü": two units
            continue
        names[-1].append(word)
        nxt = keys[i + 1] if i + 1 < len(words) else None
        if nxt is None or nxt in ("ve", "&", "ile"):
            continue  # "Meslek Odaları ve Dernekleri"
        if _ends_name(nxt, ends) and nxt not in _PLURALS:
            continue  # "Kadın Dernekleri Federasyonu"
        if _ends_name(key, ends) or alone:
            names.append([])
    return [" ".join(n) for n in names if n]


def split_units(raw: object) -> list[str]:
    """Unit names in a responsible/partner cell; empty for "-" or blank.

    Splits on line breaks, ";", "," and " / ", then between names run together:
    after a word that ends a name, before "Tüm"/"İlgili"/"Diğer", around a one-word name
    ("İŞKUR", "KETEM"), and at a "ve" that follows a directorate ("Fen İşleri Müdürlüğü
    ve Zabıta Müdürlüğü"). "Ruhsat ve Denetim Müdürlüğü" stays one unit.
    """
    text = str(raw or "").replace("\xa0", " ")
    if clean_text(text) in DASHES or not clean_text(text):
        return []
    parts: list[str] = []
    for chunk in re.split(r"[;\n,]+| / ", text):
        chunk = clean_text(chunk).strip("-–• ").strip()
        if chunk:
            parts.extend(p.strip(" -–•") for p in _split_run(chunk))
    seen: set[str] = set()
    result = []
    for p in parts:
        k = unit_key(p)
        if k and k not in seen and p not in DASHES:
            seen.add(k)
            result.append(p)
    return result


# ---------------------------------------------------------------- matching keys

_ABBREVIATIONS = [
    (r"\bmüdürlüęü\b", "müdürlüğü"),
    (r"\bmüdürlügü\b", "müdürlüğü"),
    (r"\bd\s*\.\s*b\s*\.?(?=\s|$)", "daire başkanlığı"),
    (r"\bdai\s*\.\s*(başk|bşk)\s*\.?", "daire başkanlığı"),
    (r"\bmüd\b\.?", "müdürlüğü"),
    (r"\bmud\b\.?", "müdürlüğü"),
    (r"\bhiz\b\.?", "hizmetleri"),
    (r"\bhizmetler\b", "hizmetleri"),
    (r"\bbaşk\b\.?", "başkanlığı"),
    (r"\bbşk\b\.?", "başkanlığı"),
    (r"\bbaşkanı\b", "başkanlığı"),
    (r"\bkoord?\b\.?", "koordinatörlüğü"),
    (r"\bday\b\.?", "dayanışma"),
    (r"\byar\b\.?", "yardımlaşma"),
    (r"\bmd\b\.?", "müdürlüğü"),
]


@lru_cache(maxsize=4096)
def unit_key(name: str) -> str:
    """Matching key for a unit name: folded, letters repaired, abbreviations expanded,
    punctuation gone. "Sosyal Destek Hiz. Müd." and "Sosyal Destek Hizmetleri Müdürlüğü"
    share a key; so do "Saęlık İşleri Müdürlüğü" and "Sağlık İşleri Müdürlüğü"."""
    s = tr_fold(repair_turkish(clean_text(name)))
    for pattern, repl in _ABBREVIATIONS:
        s = re.sub(pattern, repl + " ", s)  # "hiz.müd." -> "hizmetleri müdürlüğü"
    s = re.sub(r"\bdairesi\b", "daire", s)
    s = re.sub(r"[^\w\s]", " ", s)
    s = re.sub(r"\s+", " ", s).strip()
    return re.sub(r"\bdaire( b)?$", "daire başkanlığı", s)


# ---------------------------------------------------------------- kind

INTERNAL, EXTERNAL, COLLECTIVE = "internal", "external", "collective"  # Unit.Kind values

_COLLECTIVE = re.compile(
    r"^(tüm |bütün |belediyenin tüm |belediye üst yönetimi|üst yönetim)|üst yönetimi$"
)
# Not the municipality's own even when the name ends like a directorate: the state's
# provincial and district directorates, another municipality's departments.
_OUTSIDE_FIRST = re.compile(
    r"^(il |ilçe |ibb |t\.?c\.? )|\b(il|bölge|ilçe) müdürlüğü$|belediyesi$|belediyeleri\b|"
    r"büyükşehir belediyesi|bakanlığı"
)
_OWN_ENDING = re.compile(
    r"(müdürlüğü|müdürlükleri|müdürlük|başkanlığı|birimi|birimleri|şefliği|amirliği|"
    r"koordinatörlüğü|danışma merkezi)$"
)
_OUTSIDE_WORDS = re.compile(
    r"derne|vakf|üniversite|kaymakaml|valili|komutanl|bakanl|odası|odaları|kooperatif|"
    r"federasyon|sendika|\bstk|baro|muhtar|meclisi|konseyi|platform|merkezi|kurumu|"
    r"kurumlar|kuruluş|ajans|a\.ş|şirket|okul|paydaş|örgüt|emniyet|jandarma|savcılık|"
    r"mahkeme|şönim|ketem|işkur|halk eğitim|milli eğitim|enstitü|\bndı\b|mor çatı|"
    r"sektör|temsilci|birliği|kamu "
)


def guess_unit_kind(name: str) -> str:
    """ "internal" for the municipality's own units (a name ending in Müdürlüğü,
    Başkanlığı, Birimi, Şefliği ...), "external" for outside partners (associations,
    universities, chambers, the Kaymakamlık, muhtars, NGOs, the state's İl/İlçe
    directorates, other municipalities), "collective" for "Tüm Müdürlükler"."""
    key = unit_key(name)
    if _COLLECTIVE.search(key):
        return COLLECTIVE
    if _OUTSIDE_FIRST.search(key):
        return EXTERNAL
    if _OWN_ENDING.search(key):
        return INTERNAL
    if _OUTSIDE_WORDS.search(key):
        return EXTERNAL
    return INTERNAL


# ---------------------------------------------------------------- closest known units

_ASCII = str.maketrans("çğıöşüâîû", "cgiosuaiu")
_GENERIC_TAIL = re.compile(
    r"\s*\b(daire başkanlığı|müdürlüğü|başkanlığı|birimi|şefliği|koordinatörlüğü)$"
)


def loose_key(name: str) -> tuple[str, str]:
    """(whole, core) for comparing names: the key without Turkish letters and "ve", and
    the same without the final "Müdürlüğü"/"Daire Başkanlığı" word."""
    key = re.sub(r"\b(ve|ile)\b", " ", unit_key(name))
    whole = re.sub(r"\s+", " ", key).strip()
    core = _GENERIC_TAIL.sub("", whole).strip()
    return whole.translate(_ASCII), core.translate(_ASCII)


def _words_agree(a: str, b: str) -> float:
    """The share of words on both sides with a near word on the other: a word and its
    abbreviation ("hizm", "hizmetleri") agree, "il" and "ilce" do not."""
    wa, wb = a.split(), b.split()
    if not wa or not wb:
        return 0.0

    def near(w: str, others: list[str]) -> bool:
        return any(
            w == o
            or (len(w) >= 3 and o.startswith(w))
            or (len(o) >= 3 and w.startswith(o))
            or difflib.SequenceMatcher(None, w, o, autojunk=False).ratio() >= 0.8
            for o in others
        )

    agreed = sum(near(w, wb) for w in wa) + sum(near(w, wa) for w in wb)
    return agreed / (len(wa) + len(wb))


def similarity(a: tuple[str, str], b: tuple[str, str]) -> float:
    """How alike two loose keys are (0..1). The cores decide ("Yazı İşleri" and "Kültür
    İşleri" differ although both end in "İşleri Müdürlüğü"), letter by letter and word by
    word ("İl Sağlık" is not "İlçe Sağlık"); a different ending costs a little ("Sosyal
    Destek Hizmetler" is near "Sosyal Destek Hizmetleri Müdürlüğü")."""
    if a[0] == b[0]:
        return 1.0
    if not a[1] or not b[1]:
        return 0.0
    letters = difflib.SequenceMatcher(None, a[1], b[1], autojunk=False).ratio()
    words = _words_agree(a[1], b[1])
    same_tail = a[0][len(a[1]) :] == b[0][len(b[1]) :]
    return max(letters, words) * min(letters, words) ** 0.5 * (1.0 if same_tail else 0.95)


def closest_units(name: str, known: list[tuple[tuple[str, str], object]], *, cutoff=0.6, n=3):
    """The ``n`` known units nearest to ``name`` at ``cutoff`` or above, best first, as
    (score, unit); ``known`` holds (loose_key, unit) pairs made once per import."""
    mine = loose_key(name)
    scored = []
    for key, unit in known:
        # the cheap upper bound first: most pairs are far apart
        if (
            difflib.SequenceMatcher(None, mine[1], key[1], autojunk=False).real_quick_ratio()
            < cutoff
        ):
            continue
        score = similarity(mine, key)
        if score >= cutoff:
            scored.append((score, unit))
    scored.sort(key=lambda s: -s[0])
    seen, best = set(), []
    for score, unit in scored:
        if id(unit) not in seen:
            seen.add(id(unit))
            best.append((score, unit))
    return best[:n]
