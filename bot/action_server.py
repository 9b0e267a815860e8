"""The action server: rasa-sdk's app, reachable only by our Rasa server.

Compared with `python -m rasa_sdk`: it listens on ACTION_HOST (127.0.0.1 by default, rasa-sdk's own
default is 0.0.0.0); every call but /health needs the token the Rasa server sends (ACTION_TOKEN, made
per start by the launcher); requests are capped at 4 MB (a long conversation's tracker fits, 100 MB
does not); no CORS; and a failed action is logged and answered without echoing the request, which
holds the whole conversation.

Run: python -m bot.action_server [--port N]
"""
from __future__ import annotations

import argparse
import hmac
import json
import logging
import os

from rasa_sdk import utils as sdk_utils
from rasa_sdk.endpoint import create_app
from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request

from bot import settings as settings_module

logger = logging.getLogger(__name__)

MAX_REQUEST_BYTES = 4 * 1024 * 1024


def build(settings: settings_module.Settings, package: str = "actions") -> Sanic:
    app = create_app(package, cors_origins=None)
    app.config.REQUEST_MAX_SIZE = MAX_REQUEST_BYTES
    expected = settings.action_token

    @app.on_request
    async def refuse_large_bodies(request: Request):
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_REQUEST_BYTES:
            return response.json({"error": "the request is too large"}, status=413)
        return None

    @app.on_request
    async def require_token(request: Request):
        if request.path == "/health" or not expected:
            return None
        offered = request.args.get("token", "")
        if not hmac.compare_digest(offered.encode(), expected.encode()):
            return response.json({"error": "unauthorised"}, status=401)
        return None

    @app.on_request
    async def require_an_action_call(request: Request):
        """A malformed call gets 400 here instead of failing (500) inside rasa-sdk."""
        if request.path != "/webhook" or request.method != "POST":
            return None
        if request.headers.get("Content-Encoding") == "deflate":
            return None  # rasa-sdk inflates it itself
        try:
            call = json.loads(request.body or b"")
        except (ValueError, UnicodeDecodeError):
            return response.json({"error": "the body is not JSON"}, status=400)
        if not (isinstance(call, dict) and isinstance(call.get("next_action"), str)
                and isinstance(call.get("tracker"), dict) and isinstance(call.get("domain", {}), dict)):
            return response.json({"error": "not an action call"}, status=400)
        return None

    async def failed(request: Request, exception: Exception):
        # rasa-sdk's own handler logs the request and sends its body back: the whole conversation.
        if isinstance(exception, SanicException):  # 404, 413 ...: Sanic's own answer, no body echoed
            return response.json({"error": type(exception).__name__}, status=exception.status_code)
        logger.error("action server: a request to %s failed (%s)", request.path, type(exception).__name__,
                     exc_info=exception if settings.log_level == "DEBUG" else None)
        return response.json({"error": "the action failed"}, status=500)

    app.error_handler.add(Exception, failed)
    return app


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.action_server", description=__doc__)
    parser.add_argument("--port", type=int, default=None)
    args = parser.parse_args(argv)
    settings = settings_module.load()
    settings_module.check_exposure(settings)
    # Sanic reads this when the app is made; the launcher's 64 KB is for the Rasa server (a long
    # conversation's tracker, which the action server receives whole, is larger).
    os.environ["SANIC_REQUEST_MAX_SIZE"] = str(MAX_REQUEST_BYTES)
    sdk_utils.configure_colored_logging(settings.log_level)
    sdk_utils.update_sanic_log_level()
    app = build(settings)
    port = args.port or settings.action_port
    logger.info("action server listening on %s:%s", settings.action_host, port)
    app.run(settings.action_host, port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
