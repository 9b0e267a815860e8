"""Finding the user's country in what they wrote, and a hint from channel metadata."""
from __future__ import annotations

import pytest

from bot.countries import CountryFinder, default_finder
from bot.settings import load

FINDER = CountryFinder(load().helplines_file)


@pytest.mark.parametrize("text, code", [
    ("I'm in the UK", "GB"), ("uk", "GB"), ("i live in germany", "DE"), ("from the states", "US"),
    ("I am in the US", "US"), ("I live in Northern Ireland", "GB"), ("we moved to new zealand", "NZ"),
    ("south africa", "ZA"), ("Im in canada and i feel awful", "CA"),
    # however it is written: codes, abbreviations, own-language names, cities
    ("helpline uk", "GB"), ("aus", "AU"), ("im in oz", "AU"), ("nz", "NZ"), ("im in the states", "US"),
    ("from the u.s.", "US"), ("brasil", "BR"), ("deutschland", "DE"), ("españa", "ES"), ("Österreich", "AT"),
    ("I'm from Mumbai, need a helpline", "IN"), ("I live in Toronto", "CA"), ("lagos", "NG"),
    ("straya mate. perth", "AU"), ("uk. hes in leeds im in manchester", "GB"),
    # countries the directory does not list are still found (the reply says there is no line listed)
    ("i live in karachi pakistan", "PK"), ("karachi", "PK"),
])
def test_countries_named_in_text(text, code):
    assert FINDER.in_text(text) == code


@pytest.mark.parametrize("text", [
    "tell us more", "what about us?", "can you help me", "in a bit", "no", "ok", "it is what it is",
    "i feel nice today", "nice", "my friend jordan is sad", "the moon", "HELP ME IN HERE",
    "necesito ayuda de alguien por favor", "im in de", "my grandma died last month and i miss her",
])
def test_words_that_only_look_like_countries(text):
    assert FINDER.in_text(text) is None


@pytest.mark.parametrize("text, stated", [
    ("actually i moved, im in narnia now", "unknown"), ("i live in bognor", "unknown"), ("im in texas", "US"),
    ("im in bed", None), ("im in so much pain", None), ("im in quarantine", None), ("im in therapy", None),
])
def test_a_place_named_but_not_placed_is_unknown_not_ignored(text, stated):
    assert FINDER.stated(text) == stated


@pytest.mark.parametrize("metadata, code", [
    ({"locale": "en-GB"}, "GB"), ({"locale": "pt_BR"}, "BR"), ({"language_code": "de-at"}, "AT"),
    ({"locale": "en", "time_zone": "Europe/Berlin"}, "DE"), ({"language_code": "en"}, None),
    ({}, None), (None, None), ({"locale": 42}, None),
])
def test_hints_from_metadata(metadata, code):
    assert FINDER.from_metadata(metadata) == code


def test_payloads_carry_the_hint_because_they_skip_nlu():
    from bot.countries import with_country_hint

    assert with_country_hint("/greet", {"language_code": "en-GB"}) == '/greet{"country_hint": "GB"}'
    assert with_country_hint("/greet", {"language_code": "en"}) == "/greet"
    assert with_country_hint('/greet{"country": "US"}', {"language_code": "en-GB"}) == '/greet{"country": "US"}'
    assert with_country_hint("hello", {"language_code": "en-GB"}) == "hello"


@pytest.mark.parametrize("text, code", [
    ("helpline number for mumbai", "IN"),
    ("how would i even bring it up with the gp", None),
    ("If the GP does say its depression would they put him on antidepressants?", None),
    ("i take 50 mg sertraline at 9 PM", None),
    ("i cant concentrate AT ALL, i just panic", None),
    ("is there a number in the US", "US"),
    ("a helpline for reading", None),      # a word first, a city only after "in"
])
def test_abbreviations_units_and_shouting_are_not_countries(text, code):
    assert default_finder().in_text(text) == code


@pytest.mark.parametrize("text, code", [
    ("is there a number i can ring, im up in qld", "AU"),
    ("what about my sister in kl", "MY"),
    ("she lives in new south wales", "AU"),     # not Wales
    ("we moved to ontario last year", "CA"),    # not the Californian city
    ("my cousin in kerala", "IN"),
    ("back in nyc now", "US"),
])
def test_states_provinces_and_nicknames(text, code):
    assert FINDER.in_text(text) == code
