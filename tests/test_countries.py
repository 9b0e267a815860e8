"""Finding the user's country in what they wrote, and a hint from channel metadata."""
from __future__ import annotations

import pytest

from bot.countries import CountryFinder
from bot.settings import load

FINDER = CountryFinder(load().helplines_file)


@pytest.mark.parametrize("text, code", [
    ("I'm in the UK", "GB"), ("uk", "GB"), ("i live in germany", "DE"), ("from the states", "US"),
    ("I am in the US", "US"), ("I live in Northern Ireland", "GB"), ("we moved to new zealand", "NZ"),
    ("south africa", "ZA"), ("Im in canada and i feel awful", "CA"),
])
def test_countries_named_in_text(text, code):
    assert FINDER.in_text(text) == code


@pytest.mark.parametrize("text", ["tell us more", "what about us?", "can you help me", "in a bit"])
def test_words_that_only_look_like_countries(text):
    assert FINDER.in_text(text) is None


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
