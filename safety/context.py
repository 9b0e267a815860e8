"""Per-message context shared by the checks: clauses, sentences, markers, negation and person.

Everything here works on token indices of one spaCy Doc built from the normalised text.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable

from spacy.tokens import Doc

from safety.rules import Rule

NEGATION_WINDOW = 5
OBJECT_PRONOUNS = frozenset({"them", "him", "her", "it"})
POSSESSIVES = frozenset({"my", "our", "his", "their", "your"})
PERSON_WINDOW = 10


@dataclass(frozen=True)
class Hit:
    rule: Rule
    start: int
    end: int

    def overlaps(self, other: "Hit") -> bool:
        return self.start < other.end and other.start < self.end


class Lexicon:
    """The scope word lists from the pattern files, as sets."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.negations = frozenset(data.get("negation_cues", ()))
        self.negation_exceptions = frozenset(data.get("negation_exceptions", ()))
        self.negation_frames = tuple(tuple(f.split()) for f in data.get("negation_frames", ()))
        self.history = frozenset(data.get("history_words", ()))
        self.clause_breaks = frozenset(data.get("clause_breaks", ()))
        self.sentence_breaks = frozenset(data.get("sentence_breaks", ()))
        self.tails = frozenset(data.get("tail_words", ()))
        persons = data.get("persons", {})
        self.first = frozenset(persons.get("first", ()))
        self.second = frozenset(persons.get("second", ()))
        self.third = frozenset(persons.get("third", ()))
        self.subject_stops = frozenset(persons.get("subject_stops", ("i",)))
        self.question_starts = frozenset(data.get("question_starts", ()))
        self.intent_words = frozenset(data.get("intent_words", ()))
        self.wish_words = frozenset(data.get("wish_words", ()))
        self.shared_subject = frozenset(data.get("shared_subject", ()))
        self.report_verbs = frozenset(data.get("report_verbs", ()))
        self.object_markers = frozenset(data.get("object_markers", ()))
        self.negation_void = frozenset(data.get("negation_void", ()))
        self.body = frozenset(data.get("classes", {}).get("body", ()))

    def words(self) -> set[str]:
        """Every literal word in these lists, for the normaliser's vocabulary."""
        found: set[str] = set()
        for group in (self.negations, self.history, self.first, self.second, self.third,
                      self.intent_words, self.question_starts, self.clause_breaks):
            found.update(group)
        return found


class Context:
    def __init__(self, doc: Doc, lexicon: Lexicon, named: list[bool]):
        self.doc = doc
        self.lex = lexicon
        self.lower = [t.lower_ for t in doc]
        self.lemma = [t.lemma_ for t in doc]
        self.punct = [t.is_punct or t.is_space for t in doc]
        self.named = named
        self.clause, self.sentence = self._segment()
        self.words = frozenset(self.lower) | frozenset(self.lemma)
        self.question = self._is_question()
        self.content_tokens = sum(1 for p in self.punct if not p)
        self.set_markers(())

    def set_markers(self, markers: Iterable[Hit]) -> None:
        """Markers (times, past, topics...) come from the same matcher run as the risk phrases."""
        self.markers: dict[str, list[Hit]] = defaultdict(list)
        for hit in markers:
            self.markers[hit.rule.marker].append(hit)
        self.topic = bool(self.markers.get("topic"))
        self.topic_tokens = frozenset(i for m in self.markers.get("topic", ()) for i in range(m.start, m.end))
        self.disclosure = bool(self.markers.get("disclosure"))

    def _segment(self) -> tuple[list[int], list[int]]:
        clause, sentence = [], []
        c = s = 0
        for i, word in enumerate(self.lower):
            if word in self.lex.sentence_breaks or "\n" in word:
                s += 1
                c += 1
            elif self.punct[i] or word in self.lex.clause_breaks:
                c += 1
            clause.append(c)
            sentence.append(s)
        return clause, sentence

    def _is_question(self) -> bool:
        if "?" in self.doc.text:
            return True
        words = [w for w, p in zip(self.lower, self.punct) if not p]
        if not words or words[0] not in self.lex.question_starts:
            return False
        # "don't bother replying" opens with "do" but gives an order.
        return len(words) < 2 or words[1] not in ("n't", "not", "nt")

    # -- scope ---------------------------------------------------------------------------------

    def negated(self, hit: Hit) -> bool:
        """A negation shortly before the phrase, in its clause, before any new "I" subject."""
        for i in range(hit.start - 1, max(-1, hit.start - 1 - NEGATION_WINDOW), -1):
            if self.clause[i] != self.clause[hit.start]:
                return False
            if self.lower[i] in self.lex.subject_stops:
                return self._framed(i)
            if self._is_negation(i):
                return True
        return False

    def _is_negation(self, i: int) -> bool:
        if self.lower[i] not in self.lex.negations and self.lemma[i] != "not":
            return False
        following = self.lower[i + 1] if i + 1 < len(self.lower) else ""
        before = self.lower[i - 1] if i > 0 else ""
        # "give me one reason not to", "why not": the negation asks, it does not deny.
        return following not in self.lex.negation_exceptions and before not in self.lex.negation_void

    def _framed(self, i: int) -> bool:
        """ "no way I'd ...", "it's not like I ...": a negation that governs the next clause."""
        for frame in self.lex.negation_frames:
            n = len(frame)
            if i - n >= 0 and tuple(self.lower[i - n:i]) == frame:
                return True
        return False

    def says_stopped(self, hit: Hit) -> bool:
        """ "I don't cut anymore", "I haven't self harmed in months": the behaviour is history."""
        clause = self.clause[hit.start]
        return any(self.lower[i] in self.lex.history for i in range(len(self.lower))
                   if self.clause[i] == clause)

    def in_past(self, hit: Hit) -> bool:
        """A remote-past marker ("years ago", "used to") and nothing recent in the sentence."""
        return self._marked("past", hit) and not self._marked("recent", hit) and not self._marked("now", hit)

    def over(self, hit: Hit) -> bool:
        """Said of a finished event: a past or recent-past time and nothing about now in the
        event's own clause ("my sister overdosed last year and I'm still scared for her")."""
        return ((self._marked("past", hit) or self._marked("recent", hit))
                and not self._marked("now", hit, self.clause))

    def _marked(self, marker: str, hit: Hit, scope: list[int] | None = None) -> bool:
        """Whether the marker is in the hit's sentence (or other scope: its clause)."""
        scope = scope or self.sentence
        return any(scope[m.start] == scope[hit.start] for m in self.markers.get(marker, ()))

    def timing(self, hit: Hit, mode: str, anywhere: bool = False) -> Hit | None:
        """The marker that commits to or times the act: a stated intent before the phrase in its
        clause, a decision earlier in its sentence ("I've made up my mind, I'm ..."), or a time
        in the sentence (`anywhere`: in the message). A time beside a
        wish ("I want to die so bad right now", "I hope I die in my sleep tonight") is the
        intensity of the wish, not a plan; mode 'time' ignores intent ("I'm going to hurt him")."""
        sentence, clause = self.sentence[hit.start], self.clause[hit.start]
        if mode == "any":
            for marker in self.markers.get("intent", ()):
                if self.clause[marker.start] == clause and marker.start <= hit.start and marker.end <= hit.end:
                    return marker
            for marker in self.markers.get("decision", ()):
                if self.sentence[marker.start] == sentence and marker.start <= hit.start:
                    return marker
        if self._wished(hit):
            return None
        for marker in self.markers.get("time", ()):
            if anywhere or self.sentence[marker.start] == sentence:
                return marker
        return None

    def _wished(self, hit: Hit) -> bool:
        clause = self.clause[hit.start]
        i = hit.start
        while i > 0 and self.clause[i - 1] == clause:
            i -= 1
        return any(self.lemma[j] in self.lex.wish_words or self.lower[j] in self.lex.wish_words
                   for j in range(i, hit.end))

    def intent_before(self, hit: Hit) -> bool:
        """A wish or plan earlier in the clause turns a reported act into a thought of one."""
        clause = self.clause[hit.start]
        start = hit.start
        while start > 0 and self.clause[start - 1] == clause:
            start -= 1
        return any(self.lower[i] in self.lex.intent_words for i in range(start, hit.start))

    # -- who the phrase is about ------------------------------------------------------------------

    def person(self, hit: Hit) -> str:
        """'first', 'second', 'third' or 'unknown': a reflexive or a possessive in the phrase
        decides ("cuts on her arms"), else the subject before it, else the first person named
        inside it ("I wish I was dead")."""
        owner = self._reflexive(hit) or self._possessive(hit)
        if owner:
            return owner
        subject = self.subject(hit)
        if subject:
            return subject
        for i in range(hit.start, hit.end):
            # Object pronouns inside the phrase say to whom, not who ("taking them all now").
            found = None if self.lower[i] in OBJECT_PRONOUNS else self._person_at(i)
            if found:
                return found
        return "unknown"

    def _reflexive(self, hit: Hit) -> str | None:
        for word in self.lower[hit.start:hit.end]:
            if word in ("myself", "ourselves"):
                # "she says she's going to kms": the slang fixes "myself", the subject does not.
                return "third" if self.subject(hit) == "third" else "first"
            if word in ("himself", "herself", "themselves", "themself"):
                return "third"
            if word in ("yourself", "yourselves", "oneself"):
                # "I should just kys" uses "yourself" about the writer.
                return "first" if self.subject(hit) == "first" else "second"
        return None

    def _possessive(self, hit: Hit) -> str | None:
        """A body part says whose ("cuts on her arms"); a thing only says whose it is, so in
        "I'm going to take all her pills" the subject decides."""
        for i in range(hit.start, hit.end):
            word = self.lower[i]
            if word == "my":
                return "first"
            if word in ("his", "their") or self._possessive_at(i):
                body = i + 1 < len(self.lemma) and self.lemma[i + 1] in self.lex.body
                return "third" if body or self.subject(hit) is None else None
        return None

    def _possessive_at(self, i: int) -> bool:
        """ "her room" (possessive) rather than "told her" (object)."""
        if self.lower[i] != "her" or i + 1 >= len(self.lower):
            return False
        following = self.lower[i + 1]
        return (following.isalpha() and following not in self.lex.clause_breaks
                and following not in self.lex.object_markers and following not in ("to", "that", "i"))

    def subject(self, hit: Hit) -> str | None:
        """The nearest person before the phrase in its clause: who does it, not to whom.

        'unknown' when a topic word comes first: in "I'm writing an essay on self-harm" the
        writer is the subject of the essay, not of the self-harm. Coordination shares its
        subject ("my stepmum screams at me and pushed me"), so "and" does not stop the search;
        the "me" a message was sent to is not its subject ("my friend messaged me saying").
        A possessive ("my", "his") is a subject only when no other comes first: in "my husband
        takes my card and won't let me" the husband is."""
        clause = self.clause[hit.start]
        possessive = None
        for i in range(hit.start - 1, max(-1, hit.start - 1 - PERSON_WINDOW), -1):
            if self.clause[i] != clause:
                # The break word opens the clause after it: look at the word that began ours.
                if self.lower[i + 1] not in self.lex.shared_subject:
                    return possessive
                clause = self.clause[i]
            if i in self.topic_tokens:
                return "unknown"
            if self._object_at(i):
                continue
            found = self._person_at(i)
            if found and self._determiner_at(i) and i + 1 < hit.start:
                possessive = possessive or found
            elif found:
                return found
        return possessive

    def _determiner_at(self, i: int) -> bool:
        """ "my card", "his house": a possessive before a noun names an owner, not a subject."""
        return self.lower[i] in POSSESSIVES or self._possessive_at(i)

    def _object_at(self, i: int) -> bool:
        """ "told her", "messaged me": a person who is the object, not the subject."""
        if self.lower[i] in OBJECT_PRONOUNS and not self._possessive_at(i):
            return True
        return self.lower[i] == "me" and i > 0 and (self.lemma[i - 1] in self.lex.report_verbs
                                                    or self.lower[i - 1] in self.lex.object_markers)

    def _person_at(self, i: int) -> str | None:
        word = self.lower[i]
        if word in self.lex.first:
            return "first"
        if word in self.lex.second:
            return "second"
        if word in self.lex.third or self.lemma[i] in self.lex.third:
            return "third"
        if self.named[i]:
            return "third"  # a name: "Sam wants to die" is about Sam
        return None

    def clause_words(self, hit: Hit) -> frozenset[str]:
        """Words and lemmas of the hit's clause, and the break words of its sentence: laughter
        ("... if I'm late again lol") closes a sentence rather than a clause."""
        clause, sentence = self.clause[hit.start], self.sentence[hit.start]
        found = [i for i in range(len(self.lower)) if self.clause[i] == clause
                 or (self.sentence[i] == sentence and self.lower[i] in self.lex.clause_breaks)]
        return frozenset(self.lower[i] for i in found) | frozenset(self.lemma[i] for i in found)

    def following(self, end: int, length: int) -> tuple[str, ...]:
        return tuple(self.lower[end:end + length])

    def preceding(self, start: int, length: int) -> tuple[str, ...]:
        return tuple(self.lower[max(0, start - length):start])

    def ends_clause(self, end: int) -> bool:
        if end >= len(self.lower):
            return True
        word = self.lower[end]
        return (self.punct[end] or word in self.lex.clause_breaks or word in self.lex.tails
                or word in self.lex.sentence_breaks or not any(c.isalnum() for c in word))
