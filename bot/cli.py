"""The project's commands: `python -m bot.cli COMMAND`. `make run` and `make test` call these."""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time

from bot import settings as settings_module
from bot.content.schema import ContentError
from bot.exercise_rules import RuleError
from bot.settings import ROOT

CRISIS_RESPONSES = ROOT / "domain" / "helplines.yml"
CRISIS_RULES = ROOT / "data" / "rules" / "crisis_turns.yml"
EXERCISE_RULES = ROOT / "data" / "rules" / "exercise_turns.yml"


def _say(message: str) -> None:
    print(f"[assistant] {message}", flush=True)


def cmd_migrate(settings) -> None:
    from bot.database import migrate
    from staff.database import migrate as migrate_staff

    migrate(settings.database_url)
    migrate_staff(settings.database_url)
    _say("database schema is up to date")


def cmd_load_content(settings) -> None:
    from bot.content.loader import load_content

    _say(str(load_content(settings.database_url, settings.content_dir)))


def _generate(target, text: str, command: str, what: str, check: bool) -> None:
    """Writes a generated file, or with `check` only verifies that it is up to date."""
    from bot.generated import is_current, write_if_changed

    relative = target.relative_to(ROOT)
    if check:
        if not is_current(target, text):
            raise SystemExit(f"{relative} is out of date: run `python -m bot.cli {command}`")
        _say(f"{what} are up to date")
        return
    _say(f"{what} regenerated" if write_if_changed(target, text) else f"{what} are up to date")


def cmd_crisis_responses(settings, check: bool = False) -> None:
    from bot import crisis_responses

    _generate(CRISIS_RESPONSES, crisis_responses.render(settings.helplines_file), "crisis-responses",
              "crisis responses", check)


def cmd_crisis_rules(settings, check: bool = False) -> None:
    from bot import crisis_rules

    _generate(CRISIS_RULES, crisis_rules.render(ROOT / "domain"), "crisis-rules", "crisis-mode rules", check)


def cmd_exercise_rules(settings, check: bool = False) -> None:
    from bot import exercise_rules

    _generate(EXERCISE_RULES, exercise_rules.render(ROOT / "domain", ROOT / "data" / "rules"), "exercise-rules",
              "exercise rules", check)


def cmd_safety_model(settings) -> None:
    from safety.corpus import gather
    from safety.learned import load_or_train

    corpus = gather()
    model = load_or_train(corpus=corpus)
    _say(f"learned safety detector {model.version} ready ({len(corpus.texts)} training messages)")


def cmd_train(settings):
    from bot.model import train_if_needed
    from bot.stack import child_env

    return train_if_needed(settings.model_dir, child_env(settings), log=_say)


def cmd_flags(settings) -> None:
    from bot.flags import flagged_conversations

    flags = flagged_conversations(settings.database_url)
    if not flags:
        _say("no flagged conversations")
    for flag in flags:
        evidence = "; ".join(dict.fromkeys(flag.evidence)) or "-"
        print(f"{flag.level:9} {flag.last_flagged_at:%Y-%m-%d %H:%M} UTC  {flag.channel or '?':9} "
              f"{flag.sender_id}  {', '.join(flag.categories)}  [{evidence}]")


def cmd_setup(settings):
    cmd_migrate(settings)
    cmd_load_content(settings)
    cmd_crisis_responses(settings)
    cmd_crisis_rules(settings)
    cmd_exercise_rules(settings)
    cmd_safety_model(settings)
    return cmd_train(settings)


def _stop_on_sigterm() -> None:
    """SIGTERM ends the launcher as Ctrl-C does, so both servers are stopped with it."""
    def interrupt(_signum, _frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, interrupt)


def cmd_retention(settings) -> None:
    from bot.retention import from_settings
    from staff.reviews import resolved_lookup

    _say(str(from_settings(settings, resolved_lookup(settings.database_url))))


def _supervise(stack, settings, retention_every_s: float = 3600) -> None:
    """Keeps both servers up, and applies retention at start and every hour."""
    next_retention = 0.0
    while True:
        stack.supervise_once()
        if time.monotonic() >= next_retention:
            next_retention = time.monotonic() + retention_every_s
            try:
                cmd_retention(settings)
            except Exception as error:  # noqa: BLE001 - the chat must keep running
                print(f"[assistant] retention failed: {type(error).__name__}: {error}", file=sys.stderr)
        time.sleep(0.5)


def cmd_run(settings) -> int:
    from bot.stack import Stack

    settings_module.check_exposure(settings)
    _stop_on_sigterm()
    model = cmd_setup(settings)
    _say("starting the action server and the Rasa server ...")
    try:
        with Stack(settings, model, say=_say) as stack:
            _say(f"ready: web chat http://{settings.rasa_host}:{settings.rasa_port}/webchat, REST POST "
                 f"http://{settings.rasa_host}:{settings.rasa_port}/webhooks/rest/webhook, staff review app "
                 f"{settings.staff_url}/ (create an account with `make staff-user`; Ctrl-C stops everything)")
            _supervise(stack, settings)
    except KeyboardInterrupt:
        _say("stopped")
        return 0
    except RuntimeError as error:
        print(f"[assistant] could not start: {error}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.cli", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in [
        ("migrate", "create or migrate the database schema"),
        ("load-content", "load data/content/ into the content store (all or nothing)"),
        ("train", "train the Rasa model if its inputs changed"),
        ("setup", "migrate, load content, regenerate crisis responses and rules, train if needed"),
        ("run", "set up, then start the action server, the Rasa server and the staff review app"),
        ("flags", "list flagged conversations, most urgent first (for staff)"),
        ("retention", "delete conversations past retention (RETENTION_DAYS; flagged ones are kept)"),
    ]:
        sub.add_parser(name, help=help_text)
    crisis = sub.add_parser("crisis-responses", help="regenerate domain/helplines.yml from the directory")
    crisis.add_argument("--check", action="store_true", help="only check that it is up to date")
    rules = sub.add_parser("crisis-rules", help="regenerate data/rules/crisis_turns.yml from the domain")
    rules.add_argument("--check", action="store_true", help="only check that it is up to date")
    leaving = sub.add_parser("exercise-rules", help="regenerate data/rules/exercise_turns.yml (leaving an exercise)")
    leaving.add_argument("--check", action="store_true", help="only check that it is up to date")
    args = parser.parse_args(argv)
    os.umask(0o077)  # the database, logs and secrets we create are the owner's alone
    settings = settings_module.load()
    try:
        if args.command in ("crisis-responses", "crisis-rules", "exercise-rules"):
            globals()[f"cmd_{args.command.replace('-', '_')}"](settings, check=args.check)
            return 0
        result = globals()[f"cmd_{args.command.replace('-', '_')}"](settings)
        return result if isinstance(result, int) else 0
    except ContentError as error:
        print(f"content error: {error}", file=sys.stderr)
        return 2
    except RuleError as error:
        print(f"rules error: {error}", file=sys.stderr)
        return 2
    except subprocess.CalledProcessError as error:
        print(f"[assistant] a step failed (exit code {error.returncode}): see its output above", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
