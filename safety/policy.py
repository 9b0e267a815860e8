"""How the safety layer decides: the detectors' opinions in, one verdict out.

Written to be read by a clinician:

1. The pattern screen and the other-language phrases are exact: a level they find stands.
2. Where neither finds anything, the learned detector is the second opinion. A full crisis reply
   needs confidence (`confirm`); a score that neither clears nor confirms (`ask`) gets the direct,
   gentle question about suicide, because asking is cheap and missing is not. Asking does not
   raise risk.
3. When the pattern screen read a risk phrase and set it aside (an idiom, a denial, a topic, an
   accident), that counts as evidence of safety: the learned detector then needs more to overrule
   it (the `cleared_` thresholds).
4. A learned score asks only when the message has a word from the risk vocabulary
   (patterns/vocabulary.yml) or the score is near certain: sadness alone ("I'm so tired and
   lonely") gets the caring reply, not a question about suicide.
5. A concern the patterns found in the writer's own words (a plan with no stated wish, a goodbye
   without a method) becomes a crisis when the learned detector confidently reads one.
6. A message in a language other than English is marked with its language, so the bot says that
   it reads English only and gives the crisis line.

The thresholds were chosen on the development sets, never on a sealed set (bench/safety_learned.py).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from safety.levels import Level
from safety.opinion import Opinion
from safety.verdict import Verdict



@dataclass(frozen=True)
class Thresholds:
    confirm: float = 0.80
    ask: float = 0.60
    cleared_confirm: float = 0.95
    cleared_ask: float = 0.95
    imminent: float = 0.60
    ask_without_words: float = 0.90


DEFAULT = Thresholds()


def decide(opinions: list[Opinion], thresholds: Thresholds = DEFAULT, risk_words: tuple[str, ...] = ()) -> Verdict:
    """`risk_words`: the message's words from the risk vocabulary (safety/vocabulary.py); an
    unsure learned score asks only when there is one, or when it is close to confirming."""
    by_name = {o.detector: o for o in opinions}
    exact = [o for o in opinions if o.detector != "learned"]
    learned = by_name.get("learned")
    top = max(exact, key=lambda o: o.level, default=None)
    language = next((o.language for o in opinions if o.language not in ("", "en")), "")
    summaries = tuple(o.summary() for o in opinions)
    if top is not None and top.level > Level.NONE:
        evidence = tuple(e for o in exact for e in o.evidence)
        categories = tuple(dict.fromkeys(c for o in sorted(exact, key=lambda o: -o.level) for c in o.categories))
        verdict = Verdict.from_evidence(evidence, top.level, categories)
        reasons = (f"{top.detector} found {top.level.label}",)
        raised = _raised(top.level, categories, learned, thresholds)
        if raised:
            verdict = replace(verdict, level=raised[0], categories=categories + ("learned_risk",))
            reasons += (raised[1],)
        return replace(verdict, detectors=summaries, language=language, reasons=reasons)
    cleared = any(o.cleared for o in exact)
    level, category, reason = _second_opinion(learned, cleared, thresholds, risk_words)
    return Verdict(level=level, categories=(category,) if category else (), detectors=summaries,
                   language=language, reasons=(reason,))


def _raised(level: Level, categories: tuple[str, ...], learned: Opinion | None,
            t: Thresholds) -> tuple[Level, str] | None:
    """A concern about the writer's own words (a plan with no stated wish, a hopeless goodbye)
    that the learned detector confidently reads as a crisis becomes one. Concern about someone
    else or about abuse stays: the learned detector cannot tell whose risk it is."""
    if learned is None or level != Level.CONCERN or set(categories) & _NOT_RAISED:
        return None
    scores = learned.scores
    if scores.get("high+", 0) < t.confirm:
        return None
    raised = Level.IMMINENT if scores.get("imminent", 0) >= t.imminent else Level.HIGH
    return raised, f"learned high+ {scores['high+']:.2f} >= {t.confirm} raises it to {raised.label}"


_NOT_RAISED = frozenset({"third_person", "abuse_or_violence", "past_history"})


def _second_opinion(learned: Opinion | None, cleared: bool, t: Thresholds,
                    risk_words: tuple[str, ...]) -> tuple[Level, str, str]:
    if learned is None:
        return Level.NONE, "", "no exact detector found risk, and there is no learned detector"
    scores = learned.scores
    confirm, ask = (t.cleared_confirm, t.cleared_ask) if cleared else (t.confirm, t.ask)
    cleared_note = " (a risk phrase was set aside by the patterns, so more is needed)" if cleared else ""
    if scores.get("high+", 0) >= confirm:
        level = Level.IMMINENT if scores.get("imminent", 0) >= t.imminent else Level.HIGH
        return level, "learned_risk", f"learned high+ {scores['high+']:.2f} >= {confirm}{cleared_note}"
    concern = scores.get("concern+", 0)
    if concern >= ask and (risk_words or concern >= t.ask_without_words):
        words = f" (risk words: {', '.join(risk_words[:4])})" if risk_words else ""
        return Level.CONCERN, "uncertain", f"learned concern+ {concern:.2f} >= {ask}{words}: ask directly{cleared_note}"
    return Level.NONE, "", f"learned concern+ {scores.get('concern+', 0):.2f} < {ask}{cleared_note}"
