"""What the Rasa server sends the action server: the domain without its responses, built once.

Rasa 3.6 puts `domain.as_dict()` in the body of a call to every action that needs the domain (with
`enable_selective_domain` in endpoints.yml, only the `validate_*` form actions), rebuilt for each
call. Here the responses are 620 of its 634 kilobytes, and the action server never reads them: an
action names a response and the Rasa server renders it. `install()` makes that part of the body
once per loaded domain, without the responses.
"""
from __future__ import annotations

import threading
from typing import Any, Dict

import rasa
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.trackers import EventVerbosity

_original_format = None
_lean: Dict[int, tuple] = {}  # id(domain) -> (domain, its dict without responses)
_lock = threading.Lock()


def install() -> None:
    global _original_format
    if _original_format is not None:
        return
    _original_format = RemoteAction._action_call_format
    RemoteAction._action_call_format = _call_format


def lean_domain(domain: Any) -> Dict[str, Any]:
    """The domain as the action server needs it; built once per domain object (a new model, a new one)."""
    with _lock:
        kept = _lean.get(id(domain))
        if kept is None or kept[0] is not domain:
            _lean.clear()  # one model is loaded at a time
            kept = (domain, {k: v for k, v in domain.as_dict().items() if k != "responses"})
            _lean[id(domain)] = kept
        return kept[1]


def _call_format(self: RemoteAction, tracker: Any, domain: Any) -> Dict[str, Any]:
    """Rasa 3.6's RemoteAction._action_call_format, with the lean domain."""
    body = {"next_action": self.name(), "sender_id": tracker.sender_id,
            "tracker": tracker.current_state(EventVerbosity.ALL), "version": rasa.__version__}
    if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(self.name()):
        body["domain"] = lean_domain(domain)
    return body
