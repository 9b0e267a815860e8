"""Rasa's RulePolicy, with each rule parsed once and only the rules that can apply looked at.

RulePolicy keeps its rules as JSON strings and, for every action it predicts, parses every candidate
rule again, through a cache of 1,000 entries (Rasa 3.6). This assistant has about 1,160 rules, plus
the rules for leaving a form: walked in the same order every time, they push each other out of that
cache before they are asked for again, so every rule is parsed on every prediction (a third of the
Rasa server's busy time under load here). `install()` gives the parse a cache large enough for all
of them; the rules are fixed for as long as a model is loaded, and a new model brings few new keys.

Then, for every prediction, RulePolicy checks every rule against the conversation. A rule whose last
state names the previous action can only apply when the conversation's last action is that one
(`_does_rule_match_state`), so the rules are indexed once by that name and only the ones that can
apply, plus the rules that name no action, are checked, the same way as before: the same keys come
out. Installed in the Rasa server only (by the tracker store); `rasa train` keeps Rasa's own.
"""
from __future__ import annotations

import functools
import json
from typing import Any, Dict, List, Set

from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET
from rasa.shared.nlu.constants import ACTION_NAME

CACHED_RULES = 20_000
_installed = False
RASAS_GET_POSSIBLE_KEYS = RulePolicy._get_possible_keys   # kept for comparison in tests
_indexes: Dict[int, tuple] = {}   # id(lookup) -> (lookup, its size, keys by last action, other keys)


@functools.lru_cache(maxsize=CACHED_RULES)
def rule_key_to_state(rule_key: str) -> List[Any]:
    return json.loads(rule_key)


def install() -> None:
    global _installed
    if not _installed:
        RulePolicy._rule_key_to_state = staticmethod(rule_key_to_state)
        RulePolicy._get_possible_keys = _get_possible_keys
        _installed = True


def _last_action(state: Dict[str, Any]) -> Any:
    name = (state.get(PREVIOUS_ACTION) or {}).get(ACTION_NAME)
    return name if name and name != SHOULD_NOT_BE_SET else None


def _index(lookup: Dict[str, str]) -> tuple:
    kept = _indexes.get(id(lookup))
    if kept is None or kept[0] is not lookup or kept[1] != len(lookup):
        by_action: Dict[str, Set[str]] = {}
        others: Set[str] = set()
        for key in lookup:
            states = rule_key_to_state(key)
            name = _last_action(states[-1]) if states else None
            (by_action.setdefault(name, set()) if name else others).add(key)
        kept = (lookup, len(lookup), by_action, others)
        _indexes[id(lookup)] = kept
    return kept


def _get_possible_keys(self: RulePolicy, lookup: Dict[str, str], states: List[Dict[str, Any]]) -> Set[str]:
    """RulePolicy._get_possible_keys, starting from the rules that can apply after the last action."""
    if not states:
        return set(lookup.keys())
    _, _, by_action, others = _index(lookup)
    possible = others | by_action.get(_last_action(states[-1]), set())
    for i, state in enumerate(reversed(states)):
        possible = {key for key in possible if self._is_rule_applicable(key, i, state)}
    return possible
