"""The staff app's commands: `python -m staff serve | user | migrate`.

    make staff-user USERNAME=alex ROLE=admin     (reads the password from standard input)
"""
from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys

from bot import settings as settings_module
from staff.accounts import AccountError, create_user
from staff.database import migrate


def read_password(stream=sys.stdin) -> str:
    """From the terminal, asked twice without echo; otherwise the first line of standard input."""
    if stream.isatty():
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password again: "):
            raise AccountError("the two passwords differ")
        return first
    return stream.readline().rstrip("\r\n")


def cmd_user(config, args) -> int:
    migrate(config.database_url)
    try:
        user = create_user(config.database_url, args.username or "", args.role or "", read_password())
    except AccountError as error:
        print(f"staff-user: {error}", file=sys.stderr)
        return 2
    print(f"[staff] created {user.role} account {user.username!r}")
    return 0


def cmd_serve(config, args) -> int:
    import uvicorn

    from staff.app import server_config

    migrate(config.database_url)
    port = args.port or config.staff_port
    logging.basicConfig(level=logging.INFO, format="[staff] %(message)s")
    print(f"[staff] review app on http://{config.staff_host}:{port}/", flush=True)
    uvicorn.Server(server_config(config, port)).run()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m staff", description="the staff review app")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the app (STAFF_HOST, STAFF_PORT)")
    serve.add_argument("--port", type=int, default=0)
    user = sub.add_parser("user", help="create an account; the password is read from standard input")
    user.add_argument("--username", required=True)
    user.add_argument("--role", required=True, help="reviewer or admin")
    sub.add_parser("migrate", help="create or migrate the staff tables")
    args = parser.parse_args(argv)
    os.umask(0o077)
    config = settings_module.load()
    if args.command == "migrate":
        migrate(config.database_url)
        print("[staff] staff tables are up to date")
        return 0
    return {"serve": cmd_serve, "user": cmd_user}[args.command](config, args)


if __name__ == "__main__":
    sys.exit(main())
