"""Finding the user's country: from what they wrote, or as a hint from channel metadata.

Plain Python and spaCy; the Rasa component in bot/nlu/ is a thin adapter over this.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Optional

import spacy
from spacy.matcher import PhraseMatcher
from spacy.tokens import Span
from spacy.util import filter_spans

from bot.content.files import read_helplines

# Two-letter aliases collide with words ("us", "in"): they count when written in capitals,
# after "the", or as the whole message.
_SHORT = 2


class CountryFinder:
    def __init__(self, helplines_file: Path) -> None:
        countries = read_helplines(helplines_file)["countries"]
        self.codes = {c["code"] for c in countries}
        self._nlp = spacy.blank("en")
        self._matcher = PhraseMatcher(self._nlp.vocab, attr="LOWER")
        for country in countries:
            names = {country["name"].lower(), *country["aliases"]}
            self._matcher.add(country["code"], [self._nlp.make_doc(n) for n in names])
        self._locales = {l.lower(): c["code"] for c in countries for l in c["locales"]}
        self._zones = {z: c["code"] for c in countries for z in c["time_zones"]}

    def in_text(self, text: str) -> Optional[str]:
        """The ISO code of the last country named in the text, if any."""
        doc = self._nlp.make_doc(text)
        spans = [Span(doc, start, end, label=match_id) for match_id, start, end in self._matcher(doc)]
        # The longest name wins where names overlap: "northern ireland" is not "ireland".
        spans = [s for s in filter_spans(spans)
                 if len(s.text) > _SHORT or self._short_alias_counts(doc, s)]
        return spans[-1].label_ if spans else None

    @staticmethod
    def _short_alias_counts(doc, span) -> bool:
        alone = len([t for t in doc if not t.is_punct]) == len(span)
        after_the = span.start > 0 and doc[span.start - 1].lower_ == "the"
        return span.text.isupper() or alone or after_the

    def from_metadata(self, metadata: Optional[Mapping[str, Any]]) -> Optional[str]:
        """A hint from the browser locale ('en-GB'), time zone or Telegram language code ('pt-br')."""
        if not isinstance(metadata, Mapping):
            return None
        for key in ("locale", "language_code", "language"):
            code = self._from_locale(metadata.get(key))
            if code:
                return code
        zone = metadata.get("time_zone") or metadata.get("timezone")
        return self._zones.get(zone) if isinstance(zone, str) else None

    def _from_locale(self, value: Any) -> Optional[str]:
        if not isinstance(value, str) or not value.strip():
            return None
        locale = value.strip().replace("_", "-").lower()
        if locale in self._locales:
            return self._locales[locale]
        parts = locale.split("-")
        region = parts[-1].upper() if len(parts) > 1 else None
        return region if region in self.codes else None


@lru_cache(maxsize=1)
def default_finder() -> CountryFinder:
    from bot import settings

    return CountryFinder(settings.load().helplines_file)


def with_country_hint(payload: str, metadata: Optional[Mapping[str, Any]]) -> str:
    """A button or command payload ('/greet') skips the NLU pipeline, and with it the country hint
    from metadata; this carries the hint in the payload itself ('/greet{"country_hint": "GB"}')."""
    if not payload.startswith("/") or "{" in payload:
        return payload
    hint = default_finder().from_metadata(metadata)
    return f'{payload}{{"country_hint": "{hint}"}}' if hint else payload
