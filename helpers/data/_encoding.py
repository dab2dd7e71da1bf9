"""Loader stage 1, the text encoding: which codec reads a file's bytes, and how sure that is.

UTF-16 (BOM) and UTF-8 (with or without BOM) are certain; then GB18030 (covers GBK and GB2312)
when the text reads as common Chinese, Western (cp1252, covers Latin-1) when it reads as Latin
letters (and not whole words of accented letters, as Greek or Cyrillic read as cp1252 give),
else charset-normalizer's best guess, unless the plausible readings disagree: then the loader
refuses and asks for ``encoding=`` rather than guess. A Latin-1 ``Müller`` decodes as GB18030
too (``M黮ler``), which is why decoding without error is not enough. Korean (cp949, EUC-KR)
bytes read as common Chinese too; a text that reads as cp949 almost only in Hangul syllables is
refused as unclear (pass ``encoding='cp949'``), as are Russian and Greek ones.

>>> detect_encoding("客户".encode("gbk"), None, "x.csv")
'gb18030'
>>> detect_encoding("Müller".encode("latin-1"), None, "x.csv")
'cp1252'
"""

from __future__ import annotations

import re
from collections import Counter

import charset_normalizer

from helpers.data._report import load_problem
from helpers.errors import DataProblem, Problem

__all__ = ["detect_encoding", "detect_encoding_confidence"]


def _gb_share(text: str) -> float:
    """Share of the non-ASCII characters that are common Chinese (GB2312 hanzi or punctuation).

    Text that is not GB18030 but happens to decode as it (Latin-1 ``Müller`` -> ``M黮ler``,
    Shift-JIS, Big5) lands in rare code points; real Chinese text rarely does.
    """
    counts = Counter(re.findall(r"[^\x00-\x7f]", text[:500_000]))
    if not counts:
        return 1.0
    total = ok = 0
    for ch, n in counts.items():
        total += n
        try:
            b = ch.encode("gb2312")
        except UnicodeEncodeError:
            continue
        if 0xB0 <= b[0] <= 0xF7 or 0xA1 <= b[0] <= 0xA3:
            ok += n
    return ok / total


def _western_share(text: str) -> float:
    """Share of the non-ASCII characters that are Latin letters or common Western symbols."""
    counts = Counter(re.findall(r"[^\x00-\x7f]", text[:500_000]))
    total = sum(counts.values())
    if not total:
        return 1.0
    ok = sum(n for ch, n in counts.items()
             if "\u00c0" <= ch <= "\u024f" or ch in "€£¥©®°±µ·º§¡¿ªß’‘“”–—…•\u00a0")
    return ok / total


def _foreign_words(text: str) -> bool:
    """True when most words with accents are made only of non-ASCII letters, 3 or more.

    Western words carry an accent or two among plain letters (``Müller``, ``François``); Greek or
    Cyrillic bytes read as cp1252 give whole words of accented letters (``Ελένη`` -> ``ÅëÝíç``).
    """
    accented = [w for w in re.findall(r"[^\W\d_]+", text[:500_000]) if not w.isascii()]
    if not accented:
        return False
    alien = sum(1 for w in accented if len(w) >= 3 and not any(c.isascii() for c in w))
    return alien / len(accented) >= 0.5


#: Encodings of other alphabets that GB18030 also reads, and the letters a text in them is made
#: of (Russian А-я Ёё; Greek Α-ω with tonos on small letters; Korean Hangul syllables). Chinese
#: read as cp949 gives Hangul for only about 60 % of its characters (the rest reads as Hanja).
_ALPHABETS = {"cp1251": re.compile(r"[\u0410-\u044f\u0401\u0451]"),
              "cp1253": re.compile(r"[\u0391-\u03a9\u03ac-\u03ce]"),
              "cp949": re.compile(r"[\uac00-\ud7a3]")}


def _alphabet_readings(data: bytes) -> dict[str, str]:
    """Cyrillic, Greek or Korean readings of ``data`` made almost only of that alphabet's letters.

    GB18030 reads cp1251 Russian as common Chinese (``Иван`` -> ``肉囗``); a Chinese text read as
    cp1251 gives letters mixed with symbols. Twenty letters at least, eight of them different, so
    a short or repetitive Chinese text that happens to read as letters is not refused.
    """
    found: dict[str, str] = {}
    for enc, letters in _ALPHABETS.items():
        text = _decodes(data, enc)
        if text is None:
            continue
        wide = re.findall(r"[^\x00-\x7f]", text[:500_000])
        if (len(wide) >= 20 and len(set(wide)) >= 8
                and sum(bool(letters.match(ch)) for ch in wide) >= 0.97 * len(wide)):
            found[enc] = text
    return found


def _unclear(file: str, candidates: dict[str, str], suggest: str) -> DataProblem:
    return load_problem(file, [Problem(
        "encoding", fatal=True,
        detail=f"the encoding is unclear: the file reads differently as "
               f"{', '.join(candidates)} ({_first_difference(candidates)}).",
        fix=f"pass the encoding the file was exported with, e.g. encoding={suggest!r} or "
            "encoding='cp1252' (Western), encoding='gb18030' (Chinese); or re-export as UTF-8 "
            "CSV.")])


def _decodes(data: bytes, enc: str) -> str | None:
    try:
        return data.decode(enc)
    except (UnicodeDecodeError, LookupError):
        return None


_WESTERN = {"cp1252", "latin_1", "iso8859_15", "cp1250", "iso8859_2", "iso8859_1"}


def _first_difference(texts: dict[str, str]) -> str:
    """The first line on which the candidate decodings differ, as each reads it."""
    split = {k: v.splitlines() for k, v in texts.items()}
    for i in range(max(len(v) for v in split.values())):
        lines = {k: (v[i] if i < len(v) else "") for k, v in split.items()}
        if len(set(lines.values())) > 1:
            return f"row {i + 1} reads " + " or ".join(f"{ln[:40]!r} ({k})"
                                                       for k, ln in lines.items())
    return ""


def detect_encoding_confidence(data: bytes, encoding: str | None, file: str
                               ) -> tuple[str, float]:
    """The text encoding of ``data`` and how sure the detection is (0-1).

    UTF-16 (BOM), UTF-8 (with or without BOM) first; then GB18030 when the text reads as common
    Chinese; else charset-normalizer's best guess when the plausible readings agree.

    Parameters
    ----------
    data : bytes
        The file's content.
    encoding : str, optional
        The encoding the caller says; checked, not trusted.
    file : str
        The file's name, for messages.

    Returns
    -------
    encoding : str
        A Python codec name.
    confidence : float
        1.0 for a BOM, valid UTF-8 or a given encoding that decodes.

    Raises
    ------
    DataProblem
        If the given encoding does not decode the file, or the detected readings disagree.

    Examples
    --------
    >>> detect_encoding_confidence("Müller;Köln".encode("latin-1"), None, "x.csv")[0]
    'cp1252'
    """
    if encoding:
        if _decodes(data, encoding) is None:
            raise load_problem(file, [Problem(
                "encoding", detail=f"the file cannot be read as {encoding!r}.",
                fix="leave encoding=None to detect it (UTF-8, UTF-8 with BOM or GB18030/GBK), or "
                    "pass the encoding your system exported with, e.g. encoding='latin-1'.",
                fatal=True)]) from None
        return encoding, 1.0
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode text" export
        return "utf-16", 1.0
    if _decodes(data, "utf-8") is not None:
        return ("utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"), 1.0
    gb = _decodes(data, "gb18030")
    share = _gb_share(gb) if gb is not None else 0.0
    if gb is not None and share >= 0.8:
        western = _decodes(data, "cp1252")  # Latin-1 "ação" reads as GB18030 "a玢o" too
        if (western is not None and western != gb and _western_share(western) >= 0.9
                and not _foreign_words(western)):
            raise _unclear(file, {"gb18030": gb, "cp1252": western}, "cp1252")
        other = _alphabet_readings(data)
        if other:
            raise _unclear(file, {"gb18030": gb, **other}, next(iter(other)))
        return "gb18030", round(share, 2)
    return _guess_other(data, gb, file)


def _guess_other(data: bytes, gb: str | None, file: str) -> tuple[str, float]:
    """Neither UTF-8 nor Chinese: charset-normalizer's guess, if the plausible readings agree."""
    best = charset_normalizer.from_bytes(data).best()
    western = _decodes(data, "cp1252")
    plain = western is not None and not _foreign_words(western)
    share = _western_share(western) if western is not None else 0.0
    if best is None and plain and share >= 0.9:
        return "cp1252", round(share, 2)
    candidates = {best.encoding: str(best)} if best is not None else {}
    if not plain:  # Cyrillic, Greek: say how those read
        candidates.update({enc: t for enc in ("cp1251", "cp1253")
                           if (t := _decodes(data, enc)) is not None})
    if not candidates:
        raise load_problem(file, [Problem(
            "encoding", detail="the text is neither UTF-8 nor GB18030/GBK, and no other "
                               "encoding reads it.", fatal=True,
            fix="find out how the file was exported and pass it, e.g. encoding='big5' or "
                "encoding='latin-1'; or re-export as UTF-8 CSV.")])
    if best is not None and plain and (share >= 0.9 or (
            best.encoding in _WESTERN and str(best) == western)):
        return "cp1252", min(round(max(0.0, 1.0 - best.chaos), 2), round(share, 2))
    if western is not None:
        candidates["cp1252"] = western
    if gb is not None:
        candidates["gb18030"] = gb
    first = next(iter(candidates))
    if len(set(candidates.values())) > 1:
        raise _unclear(file, candidates, first)
    assert best is not None
    return best.encoding, round(max(0.0, 1.0 - best.chaos), 2)


def detect_encoding(data: bytes, encoding: str | None, file: str) -> str:
    """The text encoding of ``data``: ``encoding`` if it decodes, else detected.

    See :func:`detect_encoding_confidence` (which also says how sure it is).

    Parameters
    ----------
    data : bytes
        The file's content.
    encoding : str, optional
        The encoding the caller says; checked, not trusted.
    file : str
        The file's name, for messages.

    Returns
    -------
    str
        ``utf-8``, ``utf-8-sig`` (with BOM), ``utf-16``, ``gb18030`` (covers GBK/GB2312),
        ``cp1252`` (Western, covers Latin-1) or another codec charset-normalizer finds.

    Raises
    ------
    DataProblem
        If the given encoding does not decode the file, or the detected readings disagree.
    """
    return detect_encoding_confidence(data, encoding, file)[0]
