"""What the web chat channel serves over HTTP: the page, the widget, the socket.io client, helplines.

Everything comes from this repository (webchat/ and its npm packages, installed by `make setup`),
never from a CDN. The helpline list is built from the helpline directory, the one source of truth,
so the widget's crisis banner names the same line as the bot's crisis replies.
"""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Optional

from bot.content.files import read_helplines
from bot.content.phrasing import general_lines, text_alternative, ways_to_reach
from bot.settings import ROOT

WEBCHAT_DIR = ROOT / "webchat"
SOCKET_IO_CLIENT = WEBCHAT_DIR / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"

JS, CSS, HTML = "application/javascript; charset=utf-8", "text/css; charset=utf-8", "text/html; charset=utf-8"
# name under /webchat/ -> (file, content type)
FILES = {
    "widget.js": (WEBCHAT_DIR / "widget.js", JS),
    "widget.css": (WEBCHAT_DIR / "widget.css", CSS),
    "socket.io.min.js": (SOCKET_IO_CLIENT, JS),
}
INDEX = WEBCHAT_DIR / "index.html"
# The chat as another site embeds it: in an iframe from this origin, so that site's scripts never
# reach the session token or the transcript (they live in this origin's storage).
FRAME = WEBCHAT_DIR / "frame.html"

# The page needs nothing from anywhere else: a strict policy makes injected markup inert as well.
PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'")


def frame_policy(allowed_origins) -> str:
    """The page's policy, except that the sites allowed to use the chat may frame it (no one else)."""
    ancestors = " ".join(["'self'", *allowed_origins])
    return PAGE_POLICY.replace("frame-ancestors 'self'", f"frame-ancestors {ancestors}")


COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


def read(path: Path) -> Optional[bytes]:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _line(line: SimpleNamespace) -> dict:
    return {"name": line.name, "call": line.call, "text": line.text, "hours": line.hours,
            "always_open": line.always_open, "url": line.url, "reach": ways_to_reach(line)}


def helplines_payload(helplines_file: Path) -> dict:
    """country code -> the line to name first (and one to text, if the first takes no texts)."""
    directory = read_helplines(helplines_file)
    countries = {}
    for country in directory["countries"]:
        lines = general_lines([SimpleNamespace(**h) for h in country["helplines"]])
        alternative = text_alternative(lines)
        countries[country["code"]] = {
            "name": country["name"],
            "emergency": country["emergency"],
            "line": _line(lines[0]),
            "text_line": _line(alternative) if alternative else None,
            "locales": country["locales"],
            "time_zones": country["time_zones"],
        }
    international = directory["international"]
    return {"international": {"name": international["name"], "url": international["url"]},
            "countries": countries}
