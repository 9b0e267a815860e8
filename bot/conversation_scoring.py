"""How a reply in an everyday conversation is judged, turn by turn, for the sealed conversation sets.

A set (tests/data/sealed/conversations*.yml) holds conversations written from the person's side only;
each turn says what the person means (`means`) and may list words a good reply contains (`good`, any
one of them) or must not contain (`bad`). The writer knew the labels below and what they ask, not
the bot. Each turn ends in one of four outcomes, checked in this order:

- `fallback`: the reply is the "didn't quite understand" fallback (fine only for gibberish);
- `repeated_intro`: a question answered with an opening the bot already gave in this conversation;
- `wrong`: an empty reply, or one that fails the label's check or the writer's `good`/`bad` words;
- `well`: everything else.

A reply is the bot's messages for one user message, joined, with button titles as "[title]" lines.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional

from bot.crisis_scoring import Country

FALLBACK = "didn't quite understand"
STEP = re.compile(r"\bStep (\d+) of (\d+)")
ARTICLE_MARKER = "Sources:"
SAFETY_QUESTION = re.compile(r"\bsafe\b[^.?!]*\?|suicid|end(ing)? your life|kill(ing)? yourself", re.IGNORECASE)
LINE_MARKER = re.compile(r"\d[\d ]{2,}|findahelpline", re.IGNORECASE)
OUTCOMES = ("well", "fallback", "wrong", "repeated_intro")


@dataclass
class Score:
    outcomes: dict = field(default_factory=lambda: {outcome: 0 for outcome in OUTCOMES})
    by_label: dict = field(default_factory=dict)
    conversations: int = 0
    conversations_well: int = 0

    def add(self, label: str, outcome: str) -> None:
        self.outcomes[outcome] += 1
        total, good = self.by_label.get(label, (0, 0))
        self.by_label[label] = (total + 1, good + (outcome == "well"))

    @property
    def turns(self) -> int:
        return sum(self.outcomes.values())

    def rate(self, outcome: str) -> float:
        return self.outcomes[outcome] / self.turns if self.turns else 0.0


@dataclass
class Context:
    """What the scorer knows besides the reply: the directory, the exercises, the turns before."""
    countries: dict[str, Country]
    exercise_titles: dict[str, str]
    erased: Callable[[], bool] = lambda: False
    earlier_openings: list[str] = field(default_factory=list)
    last_step: Optional[tuple[int, int]] = None

    def remember(self, reply: str) -> None:
        """Called after each turn is judged: the openings given and the exercise step last shown."""
        self.earlier_openings.append(_opening(reply))
        steps = STEP.findall(reply)
        if steps:
            self.last_step = (int(steps[-1][0]), int(steps[-1][1]))
        elif reply.strip():
            self.last_step = None


def _plain(text: str) -> str:
    return text.lower().replace("\u2019", "'")


def _opening(reply: str) -> str:
    return _plain(reply.strip().splitlines()[0])[:100] if reply.strip() else ""


def _starts_exercise(reply: str) -> bool:
    return any(int(k) == 1 for k, _ in STEP.findall(reply))


def _names_a_line(reply: str, ctx: Context) -> bool:
    return "findahelpline" in reply.lower() or any(
        c.first_line and c.first_line in reply for c in ctx.countries.values())


def _moves_on(reply: str, ctx: Context) -> bool:
    steps = [int(k) for k, _ in STEP.findall(reply)]
    if ctx.last_step is None:
        return bool(steps) and min(steps) > 1
    shown, total = ctx.last_step
    if steps:
        return min(steps) > shown
    return shown == total and bool(reply.strip())


def _lists_exercises(reply: str, ctx: Context) -> bool:
    return sum(title.lower() in reply.lower() for title in ctx.exercise_titles.values()) >= 2


def _country(code: str, reply: str, ctx: Context) -> bool:
    country = ctx.countries.get(code.upper())
    if country is None or not country.first_line:
        return "findahelpline" in reply.lower()
    return country.first_line in reply


def _no_country_line(reply: str, ctx: Context) -> bool:
    return not any(c.first_line and c.first_line in reply for c in ctx.countries.values())


def _label_check(means: str, reply: str, ctx: Context) -> bool:
    kind, _, detail = means.partition(":")
    quiet = not _starts_exercise(reply) and ARTICLE_MARKER not in reply and not _names_a_line(reply, ctx)
    checks: dict[str, Callable[[], bool]] = {
        "feeling": lambda: not _starts_exercise(reply),
        "worried_about_someone": lambda: not _starts_exercise(reply),
        "decline": lambda: not _starts_exercise(reply) and not _lists_exercises(reply, ctx),
        "exercise_request": lambda: _requested_exercise(detail, reply, ctx),
        "exercise_answer": lambda: _moves_on(reply, ctx) and not _starts_exercise(reply),
        "exercise_next": lambda: _moves_on(reply, ctx) and not _starts_exercise(reply),
        "exercise_stop": lambda: not STEP.search(reply),
        "helpline": lambda: bool(LINE_MARKER.search(reply)) or "country" in reply.lower(),
        "country": lambda: _no_country_line(reply, ctx) if detail == "none" else _country(detail, reply, ctx),
        "forget_confirm": ctx.erased,
        "out_of_scope": lambda: quiet,
        "gibberish": lambda: quiet,
        "other_language": lambda: quiet,
        "crisis": lambda: bool(LINE_MARKER.search(reply) or SAFETY_QUESTION.search(reply)),
    }
    if kind == "helpline" and detail:
        return _country(detail, reply, ctx)
    check = checks.get(kind)
    return check() if check else True


def _requested_exercise(key: str, reply: str, ctx: Context) -> bool:
    if not key:
        return _starts_exercise(reply) or "exercise" in reply.lower()
    title = ctx.exercise_titles.get(key, "")
    return _starts_exercise(reply) and bool(title) and title.lower() in reply.lower()


def _words(turn: dict, reply: str) -> bool:
    text = _plain(reply)
    good = [_plain(str(w)) for w in turn.get("good") or ()]
    bad = [_plain(str(w)) for w in turn.get("bad") or ()]
    return (not good or any(w in text for w in good)) and not any(w in text for w in bad)


def judge(turn: dict, reply: str, ctx: Context) -> str:
    """The outcome of one turn (one of OUTCOMES)."""
    means = str(turn["means"])
    if not reply.strip():
        return "wrong"
    if FALLBACK in _plain(reply) and means != "gibberish":
        return "fallback"
    if means.startswith("question") and _opening(reply) in ctx.earlier_openings:
        return "repeated_intro"
    return "well" if _label_check(means, reply, ctx) and _words(turn, reply) else "wrong"


def score_conversation(turns: Iterable[dict], replies: Iterable[str], ctx: Context, score: Score) -> bool:
    """Adds one conversation's turns to `score`; returns whether every turn was handled well."""
    all_well = True
    for turn, reply in zip(turns, replies):
        outcome = judge(turn, reply, ctx)
        label = str(turn["means"]).split(":")[0]
        score.add(label, outcome)
        all_well = all_well and outcome == "well"
        ctx.remember(reply)
    score.conversations += 1
    score.conversations_well += all_well
    return all_well
