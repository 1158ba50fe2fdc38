"""Matching people's names the way a person would: accents, initials, titles don't matter."""

from __future__ import annotations

import re
import unicodedata

_TITLES = {
    "rep",
    "representative",
    "sen",
    "senator",
    "state",
    "hon",
    "honorable",
    "the",
    "mr",
    "mrs",
    "ms",
    "dr",
    "congressman",
    "congresswoman",
}
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


def fold(text: str) -> str:
    """Lower case without accents: 'González' -> 'gonzalez'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def name_key(name: str) -> str:
    """'Rep. Carlos J. González, Jr.' and 'carlos gonzalez' give the same key.

    'Last, First' is turned around; titles, suffixes and single-letter initials go.
    """
    text = fold(name).strip()
    if text.count(",") == 1 and not re.search(r",\s*(jr|sr|ii|iii|iv)\.?$", text):
        last, first = (part.strip() for part in text.split(","))
        text = f"{first} {last}"
    words = re.findall(r"[a-z0-9']+", text.replace("-", " "))
    words = [w.strip("'") for w in words]
    kept = [w for w in words if w not in _TITLES and w not in _SUFFIXES and len(w) > 1]
    return " ".join(kept)


def short_key(name: str) -> str:
    """First and last word of the key: drops middle names ('Aaron L Saunders')."""
    words = name_key(name).split()
    return f"{words[0]} {words[-1]}" if len(words) > 1 else " ".join(words)
