"""RulePolicy parses each rule once (bot/rule_states.py): its own cache of 1,000 is smaller than this
assistant's rules, and walking them in order pushed every one out before it was asked for again."""
from __future__ import annotations

import json
import tarfile
from random import Random

import pytest
from rasa.core.policies.rule_policy import RulePolicy

from bot import rule_states, settings
from bot.model import model_path

_RASAS_WALK = rule_states.RASAS_GET_POSSIBLE_KEYS


def _keys(n: int) -> list[str]:
    return [json.dumps([{"prev_action": {"action_name": f"action_{i}"}, "user": {"intent": "greet"}}]) for i in range(n)]


def test_every_rule_stays_parsed_across_predictions():
    rule_states.install()
    keys = _keys(1500)   # more rules than Rasa's own cache holds
    for key in keys:
        RulePolicy._rule_key_to_state(key)
    before = rule_states.rule_key_to_state.cache_info()
    parsed = [RulePolicy._rule_key_to_state(key) for key in keys]
    after = rule_states.rule_key_to_state.cache_info()
    assert after.hits - before.hits == len(keys) and after.misses == before.misses
    assert parsed[7] == [{"prev_action": {"action_name": "action_7"}, "user": {"intent": "greet"}}]


@pytest.mark.model
def test_the_trained_rules_give_the_same_keys_as_rasas_own_walk():
    """Every rule of the trained model, and each rule with its last action swapped for another's, as
    a conversation: the indexed walk finds exactly the keys Rasa's own walk finds."""
    model = model_path(settings.load().model_dir)
    assert model.exists(), "no trained model: run `make test` or `python -m bot.cli train` first"
    with tarfile.open(model) as archive:
        member = next(m for m in archive.getmembers() if m.name.endswith("train_RulePolicy0/rule_policy.json"))
        lookups = json.load(archive.extractfile(member))["lookup"]
    policy = RulePolicy.__new__(RulePolicy)
    rule_states.install()
    random = Random(7)
    for name in ("rules", "rules_for_loop_unhappy_path"):
        lookup = lookups[name]
        keys = sorted(lookup)
        conversations = [json.loads(k) for k in random.sample(keys, min(150, len(keys)))]
        for states in list(conversations):
            other = json.loads(random.choice(keys))[-1].get("prev_action")
            if other and len(states) > 1:
                conversations.append(states[:-1] + [dict(states[-1], prev_action=other)])
        for states in conversations:
            assert rule_states._get_possible_keys(policy, lookup, states) == _RASAS_WALK(policy, lookup, states)
