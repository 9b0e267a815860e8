"""What the Rasa server sends the action server (bot/action_calls.py): the domain only to the actions
that read it, and then without the responses, which only the Rasa server renders."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.utils.endpoints import EndpointConfig

from bot import action_calls

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = Domain.load(str(ROOT / "domain"))


@pytest.fixture(scope="module", autouse=True)
def installed():
    action_calls.install()


def _tracker() -> DialogueStateTracker:
    return DialogueStateTracker.from_events("calls", [
        ActionExecuted("action_listen"), UserUttered("breathing please", {"name": "ask_coping", "confidence": 1.0}),
        SlotSet("exercise", "breathing")], slots=DOMAIN.slots)


TRACKER = _tracker()


def _body(action: str, **endpoint) -> dict:
    remote = RemoteAction(action, EndpointConfig("http://127.0.0.1:1/webhook", **endpoint))
    return remote._action_call_format(TRACKER, DOMAIN)


@pytest.mark.parametrize("name", ["endpoints.yml", "endpoints-scaled.yml"])
def test_both_profiles_send_the_domain_selectively(name):
    assert yaml.safe_load((ROOT / name).read_text())["action_endpoint"]["enable_selective_domain"] is True


def test_a_form_validation_gets_the_domain_without_its_responses():
    body = _body("validate_exercise_form", enable_selective_domain=True)
    whole = DOMAIN.as_dict()
    assert body["domain"] == {k: v for k, v in whole.items() if k != "responses"}
    assert body["domain"]["forms"] and body["domain"]["slots"] and "responses" in whole
    assert body["tracker"] == TRACKER.current_state(EventVerbosity.ALL)
    assert (body["next_action"], body["sender_id"]) == ("validate_exercise_form", "calls")


def test_other_actions_get_no_domain():
    assert "domain" not in _body("action_explain_topic", enable_selective_domain=True)


def test_without_the_setting_every_action_gets_the_lean_domain():
    assert "responses" not in _body("action_explain_topic")["domain"]


def test_the_lean_domain_is_built_once_per_domain():
    assert action_calls.lean_domain(DOMAIN) is action_calls.lean_domain(DOMAIN)
    other = copy.copy(DOMAIN)   # another loaded model's domain, as far as the cache can tell
    assert action_calls.lean_domain(other) is not action_calls.lean_domain(DOMAIN)


@pytest.mark.parametrize("answer, valid", [
    ({"events": [{"event": "slot", "name": "exercise", "value": "breathing"}], "responses": [{"text": "hi"}]}, True),
    ({"events": [], "responses": []}, True),
    ({"events": [{"event": "slot", "name": 3}]}, False),
    ({"events": "not a list"}, False),
    ({"responses": "not a list"}, False),
])
def test_an_answer_is_checked_against_rasas_schema_as_rasa_checks_it(answer, valid):
    import jsonschema

    remote = RemoteAction("action_explain_topic", EndpointConfig("http://127.0.0.1:1/webhook"))
    assert RemoteAction._validate_action_result is action_calls._validate_action_result  # schema checked once
    try:
        jsonschema.validate(answer, RemoteAction.action_response_format_spec())
        rasa_says = True
    except jsonschema.ValidationError:
        rasa_says = False
    assert rasa_says is valid
    if valid:
        assert remote._validate_action_result(answer) is True
    else:
        with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response"):
            remote._validate_action_result(answer)
