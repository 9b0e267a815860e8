"""What passes between the Rasa server and the action server, made cheap where Rasa 3.6 is not.

- The domain: Rasa puts `domain.as_dict()` in the body of a call to every action that needs it (with
  `enable_selective_domain` in endpoints.yml, only the `validate_*` form actions), rebuilt for each
  call. Here the responses are 620 of its 634 kilobytes, and the action server never reads them: an
  action names a response and the Rasa server renders it. The body gets the domain without them,
  built once per loaded domain.
- The answer: Rasa checks every answer against its events schema with `jsonschema.validate`, which
  first checks the schema itself against the JSON Schema meta-schema, on every call: half of the Rasa
  server's busy time under load here. The answer is checked against the same schema by a validator
  built once, with the same error.
"""
from __future__ import annotations

import threading
from typing import Any, Dict, Optional, Tuple

import rasa
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.trackers import EventVerbosity

_installed = False
_validator: Optional[Any] = None
_lean: Optional[Tuple[Any, Dict[str, Any]]] = None  # (domain, its dict without responses): one model at a time
_lock = threading.Lock()


def install() -> None:
    global _installed
    if not _installed:
        RemoteAction._action_call_format = _call_format
        RemoteAction._validate_action_result = _validate_action_result
        _installed = True


def lean_domain(domain: Any) -> Dict[str, Any]:
    """The domain as the action server needs it; built once per domain object (a new model, a new one)."""
    global _lean
    with _lock:
        if _lean is None or _lean[0] is not domain:
            _lean = (domain, {k: v for k, v in domain.as_dict().items() if k != "responses"})
        return _lean[1]


def _call_format(self: RemoteAction, tracker: Any, domain: Any) -> Dict[str, Any]:
    """Rasa 3.6's RemoteAction._action_call_format, with the lean domain."""
    body = {"next_action": self.name(), "sender_id": tracker.sender_id,
            "tracker": tracker.current_state(EventVerbosity.ALL), "version": rasa.__version__}
    if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(self.name()):
        body["domain"] = lean_domain(domain)
    return body


def _validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
    """Rasa 3.6's RemoteAction._validate_action_result, with the schema checked once, not per call."""
    global _validator
    if _validator is None:
        schema = RemoteAction.action_response_format_spec()
        cls = validator_for(schema)
        cls.check_schema(schema)
        _validator = cls(schema)
    error = best_match(_validator.iter_errors(result))
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from the "
            f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions")
        raise error
    return True
