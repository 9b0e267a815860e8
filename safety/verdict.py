"""What the screen found: the level, its categories and the spans that justify it."""
from dataclasses import dataclass, field
from typing import Any, Iterable

from safety.levels import Level

CATEGORIES = (
    "suicidal_ideation",
    "self_harm",
    "method_seeking",
    "plan_or_intent",
    "means",
    "act_under_way",
    "harm_to_others",
    "abuse_or_violence",
    "third_person",
    "past_history",
    "hopelessness",
    "suicide_question",
    "learned_risk",  # the learned detector, confident, where no pattern matched
    "uncertain",     # risk neither cleared nor confirmed: the bot asks directly about suicide
)


@dataclass(frozen=True)
class Evidence:
    """A span of the ORIGINAL message (start/end are character offsets into it)."""

    text: str
    start: int
    end: int
    category: str
    level: Level

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "category": self.category,
            "level": self.level.label,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Evidence":
        return cls(
            text=str(data["text"]),
            start=int(data["start"]),
            end=int(data["end"]),
            category=str(data["category"]),
            level=Level.parse(data["level"]),
        )


@dataclass(frozen=True)
class Verdict:
    level: Level = Level.NONE
    categories: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = field(default=())
    # Filled by the safety layer (safety/layer.py): what each detector said, with its version,
    # why the policy chose this level, and the message's language when it is not English.
    detectors: tuple[dict, ...] = ()
    reasons: tuple[str, ...] = ()
    language: str = ""

    @classmethod
    def from_evidence(cls, evidence: Iterable[Evidence], level: Level | None = None,
                      categories: Iterable[str] = ()) -> "Verdict":
        """Level defaults to the highest evidence; categories follow severity, then order, then
        any given categories that no evidence carries (a verdict may name one without a span)."""
        items = tuple(evidence)
        top = max((e.level for e in items), default=Level.NONE)
        named = tuple(dict.fromkeys(_categories(items) + tuple(categories)))
        return cls(level=max(top, level or Level.NONE), categories=named, evidence=items)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "level": self.level.label,
            "categories": list(self.categories),
            "evidence": [e.to_dict() for e in self.evidence],
        }
        if self.detectors:
            out["detectors"] = [dict(d) for d in self.detectors]
            out["reasons"] = list(self.reasons)
        if self.language:
            out["language"] = self.language
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Verdict":
        return cls(
            level=Level.parse(data.get("level", "none")),
            categories=tuple(data.get("categories", ())),
            evidence=tuple(Evidence.from_dict(e) for e in data.get("evidence", ())),
            detectors=tuple(data.get("detectors", ())),
            reasons=tuple(data.get("reasons", ())),
            language=str(data.get("language", "")),
        )


def _categories(evidence: tuple[Evidence, ...]) -> tuple[str, ...]:
    ordered = sorted(enumerate(evidence), key=lambda pair: (-pair[1].level, pair[0]))
    return tuple(dict.fromkeys(e.category for _, e in ordered))
