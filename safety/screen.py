"""The crisis screen: one message (or a whole conversation) in, a Verdict out.

Build a Screen once and reuse it: building loads the lemma table and compiles every pattern
(about a second); screening a message then takes well under a millisecond.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import spacy
from spacy.tokens import Doc

from safety.context import Context, Hit, Lexicon
from safety.conversation import combine
from safety.judge import Finding, Judge
from safety.matching import TriggeredMatcher
from safety.normalise import Normalised, Normaliser
from safety.rules import END_SUFFIX, PATTERN_DIR, Compiler, Rule, load
from safety.verdict import Evidence, Verdict


@dataclass(frozen=True)
class Outcome:
    """A phrase that matched a rule, and why it gave no finding (None when it gave one)."""

    rule: str
    kind: str
    text: str
    set_aside: str | None


@dataclass(frozen=True)
class Reading:
    verdict: Verdict
    phrases: tuple[Outcome, ...]
    markers: tuple[str, ...]

    @property
    def cleared(self) -> tuple[str, ...]:
        """Risk phrases read and set aside: "'killing me' (inside an idiom ...)"."""
        return tuple(f"{o.text!r} ({o.rule}: {o.set_aside})" for o in self.phrases
                     if o.set_aside and o.kind != "block")


def build_pipeline(lemma_overrides: dict[str, str]) -> spacy.Language:
    """A blank English pipeline with the lookup lemmatizer only: no model download, no parser."""
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    for word, lemma in lemma_overrides.items():
        table[word] = lemma
    return nlp


class Screen:
    def __init__(self, pattern_dir: Path = PATTERN_DIR) -> None:
        data = load(pattern_dir)
        self.nlp = build_pipeline(data.lexicon.get("lemma_overrides", {}))
        self._lemmatizer = self.nlp.get_pipe("lemmatizer")
        self._table = self._lemmatizer.lookups.get_table("lemma_lookup")
        self._lemma_values = frozenset(self._table.values())
        self.lexicon = Lexicon(data.lexicon)
        self.rules = {rule.id: rule for rule in data.rules}
        vocabulary = self._compile(data.rules, data.lexicon)
        self.normaliser = Normaliser(data.normalise, vocabulary | self.lexicon.words(), self._known)
        self.judge = Judge()

    def _compile(self, rules: list[Rule], lexicon: dict) -> set[str]:
        gap_excludes = set(lexicon.get("negation_cues", ())) | set(lexicon.get("clause_breaks", ()))
        compiler = Compiler(lexicon.get("classes", {}), self._lemma_of, gap_excludes)
        self.matcher = TriggeredMatcher(self.nlp.vocab)
        grouped: dict[tuple[str, bool], list[list[dict]]] = {}
        vocabulary: set[str] = set()
        for rule in rules:
            for text in rule.patterns:
                patterns, anchored = compiler.compile(text)
                grouped.setdefault((rule.id, anchored), []).extend(patterns)
                vocabulary |= compiler.words(text)
        for (rule_id, anchored), patterns in grouped.items():
            key = rule_id + (END_SUFFIX if anchored else "")
            self.matcher.add(self.rules[rule_id], key, patterns, anchored)
        return vocabulary

    def _lemma_of(self, word: str) -> str:
        return self._table.get(word, word)

    def message(self, text: str) -> Verdict:
        return self.read(text).verdict

    def read(self, text: str) -> "Reading":
        """The verdict, with the phrases that matched and why those without a finding were set aside."""
        norm = self.normaliser(text)
        doc = self._lemmatizer(self.nlp.make_doc(norm.text))
        ctx = Context(doc, self.lexicon, self._names(doc, norm))
        hits = self._hits(doc, ctx)
        ctx.set_markers(h for h in hits if h.rule.kind == "marker" and not self.judge.cancelled(h, ctx))
        phrases = [h for h in hits if h.rule.kind != "marker"]
        findings = self.judge(ctx, phrases)
        verdict = Verdict.from_evidence(_evidence(findings, doc, norm))
        return Reading(verdict, tuple(self._outcomes(phrases, findings, ctx, norm)),
                       tuple(m.rule.id for m in hits if m.rule.kind == "marker"))

    def _outcomes(self, phrases: list[Hit], findings: list[Finding], ctx: Context,
                  norm: Normalised) -> Iterable["Outcome"]:
        found = {id(f.rule) for f in findings}
        idioms = [h for h in phrases if h.rule.kind == "block" and not h.rule.category]
        for hit in phrases:
            a, b = norm.span(ctx.doc[hit.start:hit.end].start_char, ctx.doc[hit.start:hit.end].end_char)
            if id(hit.rule) in found:
                reason = None
            elif any(hit.overlaps(i) for i in idioms if i is not hit):
                reason = "inside an idiom or a name (" + next(i.rule.id for i in idioms if hit.overlaps(i)) + ")"
            elif hit.rule.kind == "block":
                reason = "an idiom or a name: cancels risk phrases inside it"
            else:
                reason = self.judge.dropped(hit, ctx) or "outweighed by another reading"
            yield Outcome(hit.rule.id, hit.rule.kind, norm.original[a:b], reason)

    def conversation(self, texts: Iterable[str]) -> Verdict:
        return combine([self.message(text) for text in texts])

    def _hits(self, doc: Doc, ctx: Context) -> list[Hit]:
        hits = []
        for rule, anchored, start, end in self.matcher(doc, ctx.words):
            if anchored and not ctx.ends_clause(end):
                continue
            hits.append(Hit(rule, start, end))
        return _longest(hits)

    def _names(self, doc: Doc, norm: Normalised) -> list[bool]:
        """Capitalised words that are not English words are names ("Sam wants to die")."""
        original = norm.original
        if original.islower() or original.isupper() or original.istitle():
            return [False] * len(doc)
        named = []
        for token in doc:
            a, b = norm.span(token.idx, token.idx + len(token))
            word = original[a:b]
            named.append(len(word) > 1 and word.istitle() and word.isalpha() and not self._known(token.lower_))
        return named

    def _known(self, word: str) -> bool:
        return word in self._table or word in self._lemma_values


def _longest(hits: list[Hit]) -> list[Hit]:
    """Optional tokens make one rule match several overlapping spans: keep the longest."""
    hits.sort(key=lambda h: (h.rule.id, h.start, -h.end))
    kept: list[Hit] = []
    for hit in hits:
        if kept and kept[-1].rule.id == hit.rule.id and hit.overlaps(kept[-1]):
            if hit.end - hit.start > kept[-1].end - kept[-1].start:
                kept[-1] = hit
            continue
        kept.append(hit)
    kept.sort(key=lambda h: (h.start, h.end))
    return kept


def _evidence(findings: list[Finding], doc: Doc, norm: Normalised) -> list[Evidence]:
    best: dict[tuple[int, int, str], Finding] = {}
    for finding in findings:
        key = (finding.start, finding.end, finding.category)
        if key not in best or finding.level > best[key].level:
            best[key] = finding
    out = []
    for finding in sorted(best.values(), key=lambda f: (f.start, f.end)):
        span = doc[finding.start:finding.end]
        a, b = norm.span(span.start_char, span.end_char)
        out.append(Evidence(norm.original[a:b], a, b, finding.category, finding.level))
    return out
