"""A conversation's verdict: the worst any message reached, raised when a plan follows ideation.

A later "jk I'm fine" never lowers the level: people in crisis often retract, and the retraction
is itself no evidence of safety.
"""
from __future__ import annotations

from dataclasses import replace

from safety.levels import Level
from safety.verdict import Evidence, Verdict

# Categories that, once the person has spoken of wanting to die or hurting themselves, turn the
# conversation imminent: the means or a plan to act on it.
IDEATION = frozenset({"suicidal_ideation", "self_harm", "method_seeking"})
ESCALATION = frozenset({"plan_or_intent", "means", "act_under_way"})


def combine(verdicts: list[Verdict]) -> Verdict:
    evidence: list[Evidence] = [e for v in verdicts for e in v.evidence]
    level = max((v.level for v in verdicts), default=Level.NONE)
    if _ideation_then_means(verdicts):
        level = Level.IMMINENT
        evidence = [_escalated(e) for e in evidence]
    return Verdict.from_evidence(evidence, level, [c for v in verdicts for c in v.categories])


def _ideation_then_means(verdicts: list[Verdict]) -> bool:
    """Means or a plan in one message and ideation or self-harm in another, in either order.

    The specification asks for "after"; the reverse order ("I have the pills" ... later "I want
    to die") puts the same means beside the same wish, so it is treated the same.
    """
    ideation = [i for i, v in enumerate(verdicts) if _has(v, IDEATION, Level.HIGH)]
    means = [i for i, v in enumerate(verdicts) if _has(v, ESCALATION, Level.CONCERN)]
    return any(i != j for i in ideation for j in means)


def _has(verdict: Verdict, categories: frozenset[str], minimum: Level) -> bool:
    return any(e.category in categories and e.level >= minimum for e in verdict.evidence)


def _escalated(evidence: Evidence) -> Evidence:
    if evidence.category in ESCALATION:
        return replace(evidence, level=Level.IMMINENT)
    return evidence
