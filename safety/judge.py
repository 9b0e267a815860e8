"""Turn pattern matches into findings: apply negation, person, tense, questions and topics.

The order of the checks matters and follows how a clinician would read the sentence: first
whether the phrase is cancelled outright (an idiom, an accident, a denial), then whom it is about,
then when it happened, and last whether a time, an intention or means at hand make it imminent.
"""
from __future__ import annotations

from dataclasses import dataclass

from safety.context import Context, Hit
from safety.levels import Level
from safety.rules import Rule

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12, "few": 3, "couple": 2,
}


@dataclass(frozen=True)
class Finding:
    start: int
    end: int
    category: str
    level: Level
    rule: Rule
    person: str = "first"

    def at(self, level: Level) -> "Finding":
        return Finding(self.start, self.end, self.category, level, self.rule, self.person)


class Judge:
    def __call__(self, ctx: Context, hits: list[Hit]) -> list[Finding]:
        blocks = [h for h in hits if h.rule.kind == "block"]
        risks = [h for h in hits if h.rule.kind == "risk"]
        mentions = [h for h in hits if h.rule.kind == "mention"]
        blocks = [b for b in blocks if not self.cancelled(b, ctx)]
        findings = [self._finding(b, b.rule.category, b.rule.level, self._block_person(b, ctx))
                    for b in blocks if b.rule.category and not ctx.negated(b)]
        for hit in risks:
            if not any(hit.overlaps(b) for b in blocks):
                findings.extend(self.assess(hit, ctx))
        # A risk phrase that its own guards cancel ("suicidal friend") leaves the bare mention.
        judged = [h for h in risks if not self.cancelled(h, ctx)] + blocks
        for hit in mentions:
            if not any(hit.overlaps(other) for other in judged):
                findings.extend(self.assess_mention(hit, ctx))
        findings = _required(findings)
        return _raised(findings)

    def assess(self, hit: Hit, ctx: Context) -> list[Finding]:
        rule = hit.rule
        if self.cancelled(hit, ctx):
            return []
        if rule.negatable and ctx.negated(hit):
            return self._negated(hit, ctx)
        person = self._person(hit, ctx)
        if person is None:
            return []
        if person == "question":
            return [self._finding(hit, "suicide_question", Level.CONCERN, "unknown")]
        if rule.tensed and ctx.in_past(hit):
            category = "third_person" if person == "third" else "past_history"
            return [self._finding(hit, category, Level.CONCERN, person)]
        if person == "third":
            return self._about_someone_else(hit, ctx)
        return self._about_writer(hit, ctx)

    def assess_mention(self, hit: Hit, ctx: Context) -> list[Finding]:
        """A bare mention of suicide or self-harm counts only as a question, or as a one-word cry."""
        if ctx.topic or ctx.negated(hit) or self.cancelled(hit, ctx):
            return []
        if ctx.person(hit) == "third":
            return [self._finding(hit, "third_person", Level.CONCERN, "third")]
        if ctx.question or ctx.content_tokens <= 3:
            return [self._finding(hit, hit.rule.category or "suicide_question", hit.rule.level, "unknown")]
        return []

    def cancelled(self, hit: Hit, ctx: Context) -> str | None:
        """Cancelled by its own guards: the words around it, a number too small, a question.
        Returns the reason (for `python -m safety explain`), or None when the phrase stands."""
        rule = hit.rule
        # "I'm killing myself at work" is an idiom; "I want to kill myself at work" is not.
        wished = rule.kind == "risk" and ctx.intent_before(hit)
        for phrase in () if wished else rule.unless_next:
            if _says(ctx.following(hit.end, len(phrase)), phrase):
                return f"followed by {' '.join(phrase)!r}"
        for phrase in rule.unless_prev:
            if _says(ctx.preceding(hit.start, len(phrase)), phrase):
                return f"preceded by {' '.join(phrase)!r}"
        # A veto word counts only in the phrase's own clause: "I'm on the bridge, my dog is at
        # home" is not about a dog walk.
        vetoed = rule.unless_words & ctx.clause_words(hit)
        if vetoed:
            return f"{sorted(vetoed)[0]!r} in the same clause"
        if rule.accidents and ctx.markers.get("accident"):
            return "described as an accident"
        if rule.not_in_question and ctx.question:
            return "asked as a question"
        if rule.with_marker and not ctx.markers.get(rule.with_marker):
            return f"needs a {rule.with_marker} marker"
        if rule.min_number is not None and _too_few(hit, ctx, rule.min_number):
            return f"a number below {rule.min_number:g}"
        return None

    def dropped(self, hit: Hit, ctx: Context) -> str | None:
        """Why a matched phrase gave no finding, in words; None when it gave one."""
        reason = self.cancelled(hit, ctx)
        if reason:
            return reason
        if hit.rule.kind == "mention":
            return None if self.assess_mention(hit, ctx) else "a bare mention outside a question"
        if hit.rule.negatable and ctx.negated(hit) and not self._negated(hit, ctx):
            return "negated"
        if hit.rule.kind == "risk" and self._person(hit, ctx) is None:
            return "a topic, or not about the person it needs"
        return None

    def _negated(self, hit: Hit, ctx: Context) -> list[Finding]:
        if hit.rule.negated_as and ctx.says_stopped(hit):
            return [self._finding(hit, hit.rule.negated_as, Level.CONCERN)]
        return []

    def _person(self, hit: Hit, ctx: Context) -> str | None:
        """'first', 'third' or 'question' (an impersonal question about suicide); None when the
        phrase should not count at all (a topic mention, or "other" rules about the writer)."""
        mode = hit.rule.person
        if mode in ("first", "none"):
            return "first"
        if mode == "other":
            return "first" if ctx.subject(hit) == "third" else None
        if mode == "third":
            return "third" if ctx.person(hit) == "third" and not ctx.topic else None
        person = (ctx.subject(hit) or "first") if mode == "subject" else ctx.person(hit)
        if person == "unknown":
            if ctx.topic:
                return None
            generic = hit.rule.generic_question and ctx.question and not ctx.disclosure
            return "question" if generic else "first"
        if person == "second":
            # "you" in chat is mostly the generic you ("you just want to die"); only a question
            # put to someone else ("do you ever want to die?") is a question about suicide.
            return "question" if ctx.question else "first"
        if person == "third" and ctx.topic:
            return None  # "the character kills himself in the film"
        return person

    def _about_someone_else(self, hit: Hit, ctx: Context) -> list[Finding]:
        level = Level.CONCERN if ctx.over(hit) else hit.rule.third_level
        found = [self._finding(hit, "third_person", level, "third")]
        if level > Level.CONCERN and hit.rule.category:
            found.append(self._finding(hit, hit.rule.category, hit.rule.third_level, "third"))
        return found

    def _about_writer(self, hit: Hit, ctx: Context) -> list[Finding]:
        rule = hit.rule
        category, level, timed = rule.category, rule.level, rule.timed
        if rule.intent_as and ctx.intent_before(hit):
            category, level, timed = rule.intent_as, Level.HIGH, True
        found = [self._finding(hit, category, level)]
        anywhere = rule.with_marker == "time"  # a plan that needs a time takes it from anywhere
        marker = ctx.timing(hit, "any" if timed is True else timed, anywhere) if timed else None
        if marker is not None:
            found.append(Finding(marker.start, marker.end, "plan_or_intent", Level.IMMINENT, rule))
        return found

    @staticmethod
    def _block_person(hit: Hit, ctx: Context) -> str:
        return "third" if hit.rule.person == "detect" and ctx.person(hit) == "third" else "first"

    @staticmethod
    def _finding(hit: Hit, category: str | None, level: Level, person: str = "first") -> Finding:
        return Finding(hit.start, hit.end, category or "suicide_question", level, hit.rule, person)


def _says(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    """Whether the words are the phrase; `#` in a phrase stands for any number ("I'm 25 now")."""
    if words == phrase:
        return True
    if "#" not in phrase or len(words) != len(phrase):
        return False
    return all(w == p or (p == "#" and _number(w) is not None) for w, p in zip(words, phrase))


def _too_few(hit: Hit, ctx: Context, minimum: float) -> bool:
    for token in ctx.doc[hit.start:hit.end]:
        if token.like_num:
            value = _number(token.lower_)
            return value is not None and value < minimum
    return False


def _number(text: str) -> float | None:
    cleaned = text.replace(",", "")
    try:
        return float(cleaned)
    except ValueError:
        return _NUMBER_WORDS.get(cleaned)


def _required(findings: list[Finding]) -> list[Finding]:
    """Drop findings whose rule needs another finding ("do it again" needs an earlier attempt)."""
    return [f for f in findings
            if not f.rule.requires_any or f.rule.requires_any & _others(findings, f, writer_only=False)]


def _raised(findings: list[Finding]) -> list[Finding]:
    """Means or a plan alongside the writer's own ideation or self-harm make the message imminent."""
    out = []
    for finding in findings:
        if finding.person == "first" and finding.rule.raise_with & _others(findings, finding, writer_only=True):
            finding = finding.at(Level.IMMINENT)
        out.append(finding)
    return out


def _others(findings: list[Finding], this: Finding, writer_only: bool) -> set[str]:
    """Categories of the other rules' findings elsewhere in the message (about the writer, and
    not history, if writer_only). Evidence must be other words: two matches of one rule
    ("feeling sleepy", "so tired"), or two rules reading the same words ("going to the
    bridge"), are no more than one."""
    return {f.category for f in findings
            if f.rule is not this.rule and (f.end <= this.start or this.end <= f.start)
            and (not writer_only or (f.person == "first" and f.category != "past_history"))}
