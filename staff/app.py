"""The staff app: its routes, templates, static files and the alert loop."""
from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path

import jinja2

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from staff import alerts, views
from staff.guard import SecurityHeaders, page, public

HERE = Path(__file__).resolve().parent
log = logging.getLogger("staff")


def routes() -> list:
    return [
        public("/login", views.login_form),
        public("/login", views.login, methods=("POST",)),
        page("/logout", views.logout, methods=("POST",)),
        page("/", views.queue),
        page("/find", views.find),
        page("/conversations/{review_id:int}", views.conversation),
        page("/conversations/{review_id:int}/status", views.set_status, methods=("POST",)),
        page("/conversations/{review_id:int}/assign", views.assign, methods=("POST",)),
        page("/conversations/{review_id:int}/notes", views.add_note, methods=("POST",)),
        page("/conversations/{review_id:int}/missed", views.mark_missed, methods=("POST",)),
        page("/conversations/{review_id:int}/erase", views.erase, methods=("POST",), admin=True),
        page("/admin/users", views.users, admin=True),
        page("/admin/users", views.create_user, methods=("POST",), admin=True),
        page("/admin/users/{user_id:int}/active", views.set_active, methods=("POST",), admin=True),
        page("/admin/audit", views.audit_log, admin=True),
        page("/admin/labels.jsonl", views.export_labels, admin=True),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]


async def _alert_loop(config) -> None:
    """Looks for new high and imminent flags every few seconds and sends what is due."""
    notifier = alerts.Notifier.from_settings(config)
    while True:
        try:
            await asyncio.to_thread(alerts.run_once, config.database_url, notifier, config.staff_url)
        except Exception as error:  # noqa: BLE001 - a failed round is retried at the next one
            log.error("alert round failed: %s", type(error).__name__)
        await asyncio.sleep(config.staff_alert_poll_s)


def server_config(config, port: int = 0):
    """How uvicorn serves the app: loopback unless STAFF_HOST says otherwise, forwarded headers
    believed from STAFF_TRUSTED_PROXIES only, no Server header, no access log (paths are enough to
    tell which conversations someone opened), and no websockets."""
    import uvicorn

    return uvicorn.Config(build(config), host=config.staff_host, port=port or config.staff_port,
                          proxy_headers=True, forwarded_allow_ips=config.staff_trusted_proxies,
                          server_header=False, access_log=False, log_level="warning", ws="none")


def build(config) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(_app):
        task = None
        if alerts.Notifier.from_settings(config).channels:
            task = asyncio.create_task(_alert_loop(config))
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    app = Starlette(routes=routes(), middleware=[Middleware(SecurityHeaders)], lifespan=lifespan)
    app.state.config = config
    # Every value is HTML-escaped, whatever the template's file name.
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True)
    app.state.templates = Jinja2Templates(env=environment)
    return app
