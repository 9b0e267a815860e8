"""Load the pattern YAML files and compile them into spaCy Matcher patterns.

Patterns are written in a small notation so that clinicians and reviewers can read them:

    want|wish|@desire to die $

- a word matches by lemma, so "kill" also matches "killed" and "killing";
- `a|b` is a choice, `=word` matches the exact (lower-cased) word, `@name` a word class,
  `#` a number; a trailing `?` makes the token optional;
- `(two words|one)` is a choice between word sequences, `(...)?` an optional sequence;
- `~N` allows up to N other words in between (never punctuation, negation or a clause break);
- a final `$` means the phrase must end its clause ("I don't want to be here $").

A rule has an `id`, a `kind` and `patterns`, and for risk rules a `category` and `level`. Kinds:
`risk` (a finding), `marker` (context for findings: a time, the past, a topic; named by `marker`),
`block` (cancels risk phrases inside it, "suicide squad", and may be a finding itself, "they tell
me to kill myself"), `mention` (a bare mention of suicide, counted only in a question). Optional
fields say how context changes a rule (see safety/judge.py for how each is applied):

- person: `detect` (default: who the sentence is about decides), `subject` (the person before
  the phrase decides: "I want to kill him" is about the writer), `first` (the phrase is about
  the writer, e.g. "better off without me"), `other` (only counts when someone else does it,
  and then as about the writer: "he hits me"), `third` (only counts about someone else, and as
  about them: "grandad says he's ready to go"), `none`;
- timed: a time ("tonight") or a stated intent ("I'm going to") makes it imminent; `timed: time`
  counts only a time;
- negatable (default true), tensed (default true: "years ago", "used to" make it history),
  accidents (an accident word in the message cancels it), generic_question (an impersonal
  question about it, "what are suicidal thoughts?", is a question about suicide, not a
  disclosure; off by default because rhetorical questions are disclosures: "what's the point");
- negated_as: the category a negated match becomes when the message says it stopped
  ("I don't cut anymore" -> past_history);
- third_level: the level when it is about someone else (default concern);
- raise_with: categories that, found about the writer in the same message, make it imminent;
- requires_any: categories that must also be found in the message for it to count;
- intent_as: the category it becomes when a wish or intention precedes it ("I want to slit...");
- min_number: the smallest number in the phrase that counts ("taken 30 pills", not 2);
- with_marker: the rule only counts when the message has that marker (e.g. a time);
- not_in_question; unless_next / unless_prev: phrases right after / before that cancel it
  (`#` in them stands for any number); unless_words: words in the same clause (or the break word
  closing it, "... lol") that cancel it.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml

from safety.levels import Level
from safety.verdict import CATEGORIES

PATTERN_DIR = Path(__file__).with_name("patterns")
END_SUFFIX = "$end"
KINDS = ("risk", "mention", "marker", "block")
PERSONS = ("detect", "subject", "first", "other", "third", "none")


class PatternError(ValueError):
    """A pattern file is malformed; the message names the rule."""


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str = "risk"
    category: str | None = None
    level: Level = Level.NONE
    marker: str | None = None
    timed: str = ""
    person: str = "detect"
    negatable: bool = True
    tensed: bool = True
    accidents: bool = False
    generic_question: bool = False
    third_level: Level = Level.CONCERN
    negated_as: str | None = None
    unless_next: tuple[tuple[str, ...], ...] = ()
    unless_prev: tuple[tuple[str, ...], ...] = ()
    unless_words: frozenset[str] = frozenset()
    requires_any: frozenset[str] = frozenset()
    raise_with: frozenset[str] = frozenset()
    min_number: float | None = None
    not_in_question: bool = False
    with_marker: str | None = None
    intent_as: str | None = None
    patterns: tuple[str, ...] = field(default=(), repr=False)


@dataclass
class PatternData:
    lexicon: dict[str, Any]
    normalise: dict[str, Any]
    rules: list[Rule]


class _Loader(yaml.SafeLoader):
    """YAML 1.1 reads `no`, `on` and `off` as booleans; in word lists they are words."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))


def load(directory: Path = PATTERN_DIR) -> PatternData:
    """Read every *.yml file in the pattern directory; later files may add classes and rules."""
    lexicon: dict[str, Any] = {"classes": {}}
    normalise: dict[str, Any] = {}
    rules: list[Rule] = []
    for path in sorted(directory.glob("*.yml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or {}
        _merge_lexicon(lexicon, data.get("lexicon", {}))
        normalise.update(data.get("normalise", {}))
        rules.extend(_rule(spec, path.name) for spec in data.get("rules", ()))
    _check_unique(rules)
    return PatternData(lexicon=lexicon, normalise=normalise, rules=rules)


def _merge_lexicon(into: dict[str, Any], extra: Mapping[str, Any]) -> None:
    """Files add to each other's word lists and groups (e.g. `persons`) rather than replace them."""
    for key, value in extra.items():
        current = into.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            current.update(value)
        elif isinstance(current, list) and isinstance(value, list):
            current.extend(value)
        else:
            into[key] = value


def _phrases(items: Iterable[Any]) -> tuple[tuple[str, ...], ...]:
    """Phrases may be written as lists of words or as strings."""
    return tuple(tuple(item) if isinstance(item, list) else tuple(str(item).split()) for item in items)


_FIELDS = {
    "id", "kind", "category", "level", "marker", "timed", "person", "negatable", "tensed",
    "accidents", "generic_question", "third_level", "negated_as", "unless_next", "unless_prev",
    "unless_words", "requires_any", "raise_with", "min_number", "not_in_question", "intent_as",
    "with_marker",
    "patterns",
}


def _rule(spec: Mapping[str, Any], source: str) -> Rule:
    try:
        unknown = set(spec) - _FIELDS
        if unknown:
            raise PatternError(f"unknown fields {sorted(unknown)}")
        rule = Rule(
            id=str(spec["id"]),
            kind=spec.get("kind", "risk"),
            category=spec.get("category"),
            level=Level.parse(spec.get("level", "none")),
            marker=spec.get("marker"),
            timed=_timed(spec.get("timed", False)),
            person=spec.get("person", "detect"),
            negatable=bool(spec.get("negatable", True)),
            tensed=bool(spec.get("tensed", True)),
            accidents=bool(spec.get("accidents", False)),
            generic_question=bool(spec.get("generic_question", False)),
            third_level=Level.parse(spec.get("third_level", "concern")),
            negated_as=spec.get("negated_as"),
            unless_next=_phrases(spec.get("unless_next", ())),
            unless_prev=_phrases(spec.get("unless_prev", ())),
            unless_words=frozenset(spec.get("unless_words", ())),
            requires_any=frozenset(spec.get("requires_any", ())),
            raise_with=frozenset(spec.get("raise_with", ())),
            min_number=spec.get("min_number"),
            not_in_question=bool(spec.get("not_in_question", False)),
            with_marker=spec.get("with_marker"),
            intent_as=spec.get("intent_as"),
            patterns=tuple(spec["patterns"]),
        )
        _check(rule)
        return rule
    except (KeyError, ValueError, TypeError) as error:
        raise PatternError(f"{source}: rule {spec.get('id', '?')!r}: {error}") from error


def _check(rule: Rule) -> None:
    if rule.kind not in KINDS:
        raise PatternError(f"unknown kind {rule.kind!r}")
    if rule.person not in PERSONS:
        raise PatternError(f"unknown person {rule.person!r}")
    named = {rule.category, rule.negated_as, rule.intent_as} | rule.raise_with | rule.requires_any
    unknown = {c for c in named if c is not None} - set(CATEGORIES)
    if unknown:
        raise PatternError(f"unknown categories {sorted(unknown)}")
    if rule.kind == "risk" and (rule.category is None or rule.level == Level.NONE):
        raise PatternError("a risk rule needs a category and a level")
    if rule.kind == "marker" and not rule.marker:
        raise PatternError("a marker rule needs a marker name")


def _timed(value: Any) -> str:
    """`timed: true` counts an intent or a time; `timed: time` only a time."""
    if value is True:
        return "any"
    if value in (False, None, ""):
        return ""
    if value == "time":
        return "time"
    raise PatternError(f"timed must be true, false or 'time', not {value!r}")


def _check_unique(rules: list[Rule]) -> None:
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise PatternError(f"duplicate rule id {rule.id!r}")
        seen.add(rule.id)


_GROUP = re.compile(r"\(([^()]*)\)(\?)?")


def expand_groups(text: str) -> list[str]:
    """Expand `(a b|c)` and `(a b)?` into plain pattern lines, one per choice."""
    match = _GROUP.search(text)
    if match is None:
        return [" ".join(text.split())]
    options = _merge_single_words(match.group(1).split("|"), optional=bool(match.group(2)))
    head, tail = text[:match.start()], text[match.end():]
    out: list[str] = []
    for option in options:
        out.extend(expand_groups(f"{head} {option} {tail}"))
    return out


def _merge_single_words(options: list[str], optional: bool) -> list[str]:
    """One-word choices become a single `a|b|c` token, so the Matcher gets one pattern, not many."""
    single = [o.strip() for o in options if o.strip() and len(o.split()) == 1]
    multi = [o for o in options if len(o.split()) > 1]
    merged = multi + (["|".join(single)] if single else [])
    if optional:
        if not multi:
            return [merged[0] + "?"]
        merged.append("")
    return merged


class Compiler:
    """Turns the notation above into Matcher token patterns, lemmatising words like the pipeline."""

    def __init__(self, classes: Mapping[str, list[str]], lemma_of, gap_excludes: Iterable[str] = ()) -> None:
        self.classes = classes
        self.lemma_of = lemma_of
        # A gap never swallows a negation or a clause break: "I hope the exam doesn't kill me".
        self.gap = {"IS_PUNCT": False, "LOWER": {"NOT_IN": sorted(set(gap_excludes))}, "OP": "?"}

    def compile(self, text: str) -> tuple[list[list[dict]], bool]:
        """Return the token patterns for one pattern line and whether it is end-anchored."""
        anchored = text.rstrip().endswith(" $")
        patterns = []
        for variant in expand_groups(text):
            compiled, _ = self._compile_flat(variant)
            patterns.extend(compiled)
        return patterns, anchored

    def _compile_flat(self, text: str) -> tuple[list[list[dict]], bool]:
        parts = text.split()
        anchored = bool(parts) and parts[-1] == "$"
        if anchored:
            parts = parts[:-1]
        if not parts:
            raise PatternError(f"empty pattern {text!r}")
        per_token = [self._token(part) for part in parts]
        return [list(itertools.chain.from_iterable(combo)) for combo in itertools.product(*per_token)], anchored

    def words(self, text: str) -> set[str]:
        """The literal words a pattern line can match (for the normaliser's vocabulary)."""
        found: set[str] = set()
        for part in " ".join(expand_groups(text)).split():
            for alt in self._alternatives(part.rstrip("?")):
                if alt not in {"#", "$"} and not alt.startswith("~"):
                    found.add(alt.lstrip("="))
        return found

    def _token(self, part: str) -> list[list[dict]]:
        """Each choice of attribute is a separate variant, since one token dict cannot OR them."""
        if part.startswith("~"):
            gap = int(part[1:])
            return [[dict(self.gap) for _ in range(gap)]]
        optional = part.endswith("?") and len(part) > 1
        body = part[:-1] if optional else part
        lemmas, exact, number = self._split(body)
        variants = []
        if lemmas:
            variants.append({"LEMMA": {"IN": sorted(lemmas)}})
        if exact:
            variants.append({"LOWER": {"IN": sorted(exact)}})
        if number:
            variants.append({"LIKE_NUM": True})
        if optional:
            variants = [dict(v, OP="?") for v in variants]
        return [[v] for v in variants]

    def _split(self, body: str) -> tuple[set[str], set[str], bool]:
        lemmas: set[str] = set()
        exact: set[str] = set()
        number = False
        for alt in self._alternatives(body):
            if alt == "#":
                number = True
            elif alt.startswith("="):
                exact.add(alt[1:])
            else:
                # Both: the pattern word's own lemma is context-free ("thought" -> "think") and
                # the text's may differ ("thoughts" -> "thought").
                lemmas.update((alt, self.lemma_of(alt)))
        return lemmas, exact, number

    def _alternatives(self, body: str, depth: int = 0) -> list[str]:
        if depth > 5:
            raise PatternError(f"word classes nest too deeply at {body!r}")
        found: list[str] = []
        for alt in body.split("|"):
            if alt.startswith("@"):
                if alt[1:] not in self.classes:
                    raise PatternError(f"unknown word class {alt!r}")
                found.extend(self._alternatives("|".join(self.classes[alt[1:]]), depth + 1))
            elif alt:
                found.append(alt)
        return found
