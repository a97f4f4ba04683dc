"""Small text helpers shared by the engine: tokens, stems, sentences, stable hashes."""

from __future__ import annotations

import re
import unicodedata
import zlib

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

STOP_WORDS: frozenset[str] = frozenset(ENGLISH_STOP_WORDS) | frozenset(
    {
        "re",
        "ll",
        "ve",
        "don",
        "doesn",
        "didn",
        "isn",
        "aren",
        "wasn",
        "won",
        "just",
        "like",
        "really",
        "think",
        "people",
        "would",
        "could",
        "also",
        "get",
        "make",
        "need",
        "needs",
        "want",
        "s",
        "t",
        "d",
        "m",
    }
)

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])|\n{2,}|\n(?=\s*[-*\u2022]\s)")
_URL = re.compile(r"(?:https?://|www\.)\S+|\b[a-z0-9.-]+\.(?:com|org|net|io|ru|info|biz|xyz|co\.uk)\b", re.I)


def fold(text: str) -> str:
    """Lower-case and strip accents so that 'Café' and 'cafe' compare equal."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def words(text: str) -> list[str]:
    """Lower-case word tokens; apostrophe suffixes ("it's") stay attached to the word they belong to."""
    return _WORD.findall(fold(text).replace("\u2019", "'"))


def stem(word: str) -> str:
    """A light suffix stripper: enough to merge 'taxes'/'tax' and 'running'/'run' without a big stemmer."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("'s"):
        word = word[:-2]
    for suffix, repl in (
        ("ies", "y"),
        ("sses", "ss"),
        ("ing", ""),
        ("edly", ""),
        ("ed", ""),
        ("ly", ""),
        ("es", ""),
        ("s", ""),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: len(word) - len(suffix)] + repl
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsaeiou":
        word = word[:-1]
    return word


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOP_WORDS and len(w) > 1 and not w.isdigit()]


def sentences(text: str) -> list[str]:
    """Split into sentences on end punctuation, blank lines and list bullets; drop empty pieces."""
    parts = _SENTENCE_END.split(text.strip())
    return [p.strip() for p in parts if p and p.strip()]


def urls(text: str) -> list[str]:
    return _URL.findall(text)


def stable_hash(token: str) -> int:
    """A 32-bit hash that is the same in every process (Python's hash() is salted per process)."""
    return zlib.crc32(token.encode("utf-8"))


def token_set(text: str) -> set[str]:
    """The set of stemmed content words used for near-duplicate and campaign signatures.

    A set of single words (not k-word shingles) on purpose: a word swapped for a synonym costs one
    element, not k, so synonym-swapped ("mad-lib") copies of a letter stay close."""
    return {stem(w) for w in words(text) if w not in STOP_WORDS}


def is_noise_token(token: str) -> bool:
    """A token no reader would call a word: a hash or hex digest ("3f9a0c2e"), an id with digits in it
    ("usda2017"), a web address fragment ("www", "https", "org") or something too long to be a word."""
    if len(token) > 24 or token in _URL_PARTS:
        return True
    digits = sum(c.isdigit() for c in token)
    if digits and digits == len(token):
        return True
    if _HEX.fullmatch(token) and digits >= 2:
        return True
    return digits >= 3 and any(c.isalpha() for c in token)


_HEX = re.compile(r"[0-9a-f]{8,}")
_URL_PARTS = frozenset({"http", "https", "www", "com", "org", "net", "html", "htm", "php", "aspx", "pdf"})
