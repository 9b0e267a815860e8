"""Leaving an exercise, generated from the exercise forms' slot mappings: walked without a model."""
from __future__ import annotations

import pytest

from bot import exercise_rules
from bot.settings import ROOT

RULES = ROOT / "data" / "rules"
DOMAIN = ROOT / "domain"


def test_the_generated_rules_are_up_to_date():
    current = (RULES / "exercise_turns.yml").read_text(encoding="utf-8")
    assert current == exercise_rules.render(DOMAIN, RULES), "run `python -m bot.cli exercise-rules`"


def test_every_way_out_ends_the_form_then_does_what_it_does_anywhere_else():
    ordinary = exercise_rules.ordinary_rules(RULES)
    generated = exercise_rules.rules_for(
        {form: exercise_rules.leaving_intents(DOMAIN / "listening.yml", slot)
         for form, slot in exercise_rules.FORMS.items()}, ordinary)
    for rule in generated:
        intent = rule["steps"][0]["intent"]
        assert rule["steps"][1:3] == [{"action": "action_deactivate_loop"}, {"active_loop": None}]
        assert rule["steps"][3:] == ordinary[intent][0]


def test_a_crisis_and_a_stop_leave_both_exercise_forms():
    for slot in exercise_rules.FORMS.values():
        leaving = exercise_rules.leaving_intents(DOMAIN / "listening.yml", slot)
        assert {"stop_exercise", "safety_high", "safety_imminent", "crisis_not_safe", "forget_confirmed"} <= set(leaving)
        assert not {"step_answer", "next_step", "mood_low", "nlu_fallback", "feeling_vent"} & set(leaving)


def test_an_intent_with_no_ordinary_rule_is_refused():
    with pytest.raises(exercise_rules.RuleError, match="made_up"):
        exercise_rules.rules_for({"exercise_form": ["made_up"]}, {})
