"""Crisis mode's rules, walked without a model: every intent has an answer inside each crisis form,
and no path from a concern-or-higher verdict reaches the fallback, the topic menu or an exercise."""
from __future__ import annotations

from pathlib import Path

import yaml

from bot import crisis_rules
from bot.crisis_scoring import Country, Score, score_conversation
from bot.settings import ROOT

RULES = ROOT / "data" / "rules"
FORMS = ("checkin_form", "crisis_form", "unsafe_form", "someone_form")
# What a person at risk must never get: the fallback, the menu, or an exercise they did not choose.
FORBIDDEN = {"utter_default", "action_default_fallback", "utter_capabilities", "utter_offer_exercises",
             "action_start_exercise", "action_exercise_next_step", "utter_affirm_ok", "action_explain_topic"}
SAFETY_INTENTS = {"safety_concern", "safety_concern_question", "safety_concern_other", "safety_concern_abuse",
                  "safety_concern_history", "safety_means_mention", "safety_high", "safety_harm_others",
                  "safety_imminent", "safety_overdose", "safety_bleeding"}


def _rules() -> list[dict]:
    found = []
    for path in sorted(RULES.glob("*.yml")):
        found += (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("rules", [])
    return found


def _actions(rule: dict) -> list[str]:
    return [step["action"] for step in rule["steps"] if "action" in step]


def _in_form(rule: dict) -> str | None:
    return next((c["active_loop"] for c in rule.get("condition", []) if c.get("active_loop") in FORMS), None)


def test_the_generated_rules_are_up_to_date():
    current = (RULES / "crisis_turns.yml").read_text(encoding="utf-8")
    assert current == crisis_rules.render(ROOT / "domain"), "run `python -m bot.cli crisis-rules`"


def test_every_intent_is_answered_inside_crisis_mode():
    intents = crisis_rules.domain_intents(ROOT / "domain")
    for form in ("crisis_form", "unsafe_form"):
        answered = {r["steps"][0].get("intent") for r in _rules() if _in_form(r) == form}
        missing = set(intents) - answered - crisis_rules.ALWAYS_ANSWERS
        assert not missing, f"{form} has no rule for {sorted(missing)}"


def test_no_path_in_crisis_mode_reaches_the_fallback_the_menu_or_an_exercise():
    for rule in _rules():
        starts_with_risk = rule["steps"] and rule["steps"][0].get("intent") in SAFETY_INTENTS
        if _in_form(rule) or starts_with_risk:
            assert not FORBIDDEN & set(_actions(rule)), rule["rule"]


def test_every_crisis_reply_goes_back_to_a_form_or_leaves_with_the_line():
    for rule in _rules():
        form = _in_form(rule)
        if not form or rule["steps"][0].get("intent") is None:
            continue
        actions = _actions(rule)
        if actions[-1] == "action_deactivate_loop":
            assert any(a in ("utter_goodbye_after_crisis", "utter_concern_helpline") for a in actions), rule["rule"]
        else:
            assert actions[-1] in FORMS, rule["rule"]


def test_the_scorer_counts_a_lost_crisis_turn_and_a_kept_one():
    countries = {"CA": Country(emergency="911", first_line="988")}
    turns = [{"user": "a", "means": "opens_crisis"}, {"user": "b", "means": "country:CA"},
             {"user": "c", "means": "not_safe"}, {"user": "d", "means": "unclear"}]
    good = ["call 988", "In Canada call 988", "Please call 911 now", "I'm here"]
    lost = ["call 988", "In Canada call 988", "Please call 911 now", "Sorry, I didn't quite understand."]
    score = Score()
    assert score_conversation(turns, good, countries, score) is True
    assert score_conversation(turns, lost, countries, score) is False
    assert (score.passed, score.turns, score.conversations_passed) == (7, 8, 1)
    assert score.by_label["unclear"] == (2, 1)
