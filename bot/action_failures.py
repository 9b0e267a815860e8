"""When the action server fails, the Rasa server still answers: a short apology and the crisis line.

Rasa 3.6 logs a failed custom action and carries on with no reply at all (and waits five minutes for
a hung action server). `install()` wraps Rasa's RemoteAction so that a failure or a timeout of
ACTION_TIMEOUT seconds becomes `utter_action_failed` followed by `utter_crisis_line_reminder`, both
domain responses the Rasa server renders itself for the person's country, once per message however
many actions fail in that turn. A refusal by a form's validation (ActionExecutionRejection) is part of
normal form handling and is left alone. The failure is logged by action name and error type only: the
error's own text can hold the request, which holds the conversation.
"""
from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any, List

import rasa.core.actions.action as rasa_actions
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction, create_bot_utterance
from rasa.shared.core.events import Event

from bot import settings as settings_module

logger = logging.getLogger(__name__)

APOLOGY = "utter_action_failed"
CRISIS_LINE = "utter_crisis_line_reminder"
_apologised: "OrderedDict[tuple, None]" = OrderedDict()
_original_run = None


def install() -> None:
    global _original_run
    if _original_run is not None:
        return
    _original_run = RemoteAction.run
    RemoteAction.run = _run_or_apologise
    rasa_actions.DEFAULT_REQUEST_TIMEOUT = settings_module.load().action_timeout_s


async def _run_or_apologise(self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any,
                            domain: Any) -> List[Event]:
    try:
        return await _original_run(self, output_channel, nlg, tracker, domain)
    except ActionExecutionRejection:
        raise
    except Exception as error:  # noqa: BLE001 - whatever failed, the person gets an answer
        logger.error("action %s failed (%s): answered with an apology and the crisis line",
                     self.name(), type(error).__name__)
        return await apology(output_channel, nlg, tracker)


def _first_time(tracker: Any) -> bool:
    message = tracker.latest_message
    key = (tracker.sender_id, getattr(message, "message_id", None) or getattr(message, "timestamp", None))
    if key in _apologised:
        return False
    _apologised[key] = None
    while len(_apologised) > 10_000:
        _apologised.popitem(last=False)
    return True


async def apology(output_channel: Any, nlg: Any, tracker: Any) -> List[Event]:
    if not _first_time(tracker):
        return []
    channel = output_channel.name() if output_channel else None
    events: List[Event] = []
    for response in (APOLOGY, CRISIS_LINE):
        message = await nlg.generate(response, tracker, channel)
        if message:
            events.append(create_bot_utterance(message))
    return events
