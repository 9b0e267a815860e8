"""Load generator that also proves nothing is lost: the whole stack under 1, 20 and 50 concurrent
users on REST, the web chat (socket.io) and Telegram, then every conversation checked in the store.

    PYTHONPATH=. .venv/bin/python bench/load.py [--quick]

For each profile in bench/load_stack.py ("sqlite, 1 worker" and "postgresql+redis, 2 workers") it
starts the stack on a fresh database with the Telegram channel pointed at the local Bot API stand-in,
warms it up (one conversation per channel), then runs the user counts and prints, per count and per
channel: messages sent, messages answered per second, latency p50/p95/p99 and errors. Users take the
channels in turn; one in five says a crisis message, then "yes I'm safe" (bench/load_users.py says
what each user says and when a reply counts as complete). After the stack has stopped, the store is
checked (bench/load_check.py) and the stack's logs are scanned for errors. Meanwhile a member of staff
is signed in to the staff review app, reloading the queue every second (its latency is printed), and
at the end every crisis conversation must be in that queue (bench/load_staff.py).

Then the anchor: a bare `rasa init` bot with Rasa's SQL tracker store on SQLite (bench/bare_rasa.py,
trained once and cached under var/bench/bare-rasa/), measured by one user over REST; the ratios
against the targets; and where the assistant's extra time per message goes (bench/load_breakdown.py).
The last line is `lost: N messages, M flags`. --quick sends fewer messages (about ten minutes in all);
a profile that cannot start is reported and skipped. Stack logs stay in var/bench/load/<time>/.

Figures: messages/s counts answered messages over the wall time of the whole user count; latencies
are of answered messages (errors are counted apart); the one-user ratio compares the assistant's REST
p50 with the bare bot's REST p50. The machine should be otherwise idle: each profile prints the load
average before it starts.
"""
from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import re
import signal
import statistics
import sys
import time
import warnings
from collections import Counter
from pathlib import Path
from typing import Dict, List, Optional

import aiohttp

# The breakdown imports Rasa (and TensorFlow) in this process: keep their start-up chatter out.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
warnings.filterwarnings("ignore")
warnings.showwarning = lambda *args, **kwargs: None   # libraries put their own filters first

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load_check import Loss, check  # noqa: E402
from bench.load_staff import StaffReader  # noqa: E402
from bench.load_stack import PROFILES, Profile, running  # noqa: E402
from bench.load_users import CHANNELS, CRISIS, ORDINARY, SAFE, Target, UserRun, run_user, script  # noqa: E402
from bot import settings as settings_module  # noqa: E402
from bot.model import model_path  # noqa: E402

USER_COUNTS = (1, 20, 50)
TIMEOUT_S = 90.0          # per message; then the user is counted as timed out and stops
PROGRESS_EVERY_S = 15.0


def say(line: str) -> None:
    print(line, flush=True)


def percentile(values: List[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


@dataclasses.dataclass
class Level:
    label: str
    users: int
    runs: List[UserRun]
    elapsed_s: float

    def sent(self, channel: Optional[str] = None) -> list:
        return [s for r in self.runs if channel in (None, r.channel) for s in r.sent]

    def answered(self, channel: Optional[str] = None) -> list:
        return [s for s in self.sent(channel) if s.error is None]

    @property
    def per_second(self) -> float:
        return len(self.answered()) / self.elapsed_s if self.elapsed_s else 0.0

    def p(self, q: float, channel: Optional[str] = None) -> Optional[float]:
        latencies = [s.latency_ms for s in self.answered(channel)]
        return percentile(latencies, q) if latencies else None


@dataclasses.dataclass
class ProfileResult:
    profile: Profile
    levels: Dict[int, Level] = dataclasses.field(default_factory=dict)
    loss: Optional[Loss] = None
    late_telegram: int = 0
    action: Optional[tuple] = None            # (ms per call, action name)
    actions_per_message: float = 0.0
    typical_events: Optional[list] = None
    log_findings: List[str] = dataclasses.field(default_factory=list)
    staff: Dict[int, "StaffReader"] = dataclasses.field(default_factory=dict)
    staff_listed: tuple = (0, 0)
    lost_flags_in_queue: int = 0


# --- running the users ---------------------------------------------------------------------------

async def _level(target: Target, label: str, users: int, indices: List[int], quick: bool,
                 staff: Optional[StaffReader] = None) -> Level:
    """len(indices) conversations, at most `users` at a time (all at once when they are equal); a
    member of staff, when given, reloads the review queue every second meanwhile."""
    if staff is not None:
        async with staff.session() as staff_http:
            await staff.sign_in(staff_http)
            stop = asyncio.Event()
            watcher = asyncio.ensure_future(staff.watch(staff_http, stop))
            try:
                return await _level(target, label, users, indices, quick)
            finally:
                stop.set()
                await watcher
    progress, gate = [0], asyncio.Semaphore(users)
    timeout = aiohttp.ClientTimeout(total=TIMEOUT_S + 5)
    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=0)) as http:
        target.http = http

        async def one(index: int) -> UserRun:
            messages, crisis = script(index, quick)
            run = UserRun(index, CHANNELS[index % len(CHANNELS)], label, crisis)
            async with gate:
                return await run_user(target, run, messages, progress)

        async def report(started: float, total: int) -> None:
            while True:
                await asyncio.sleep(PROGRESS_EVERY_S)
                say(f"    ... {progress[0]}/{total} messages answered or failed, {time.monotonic() - started:.0f} s")

        total = sum(len(script(i, quick)[0]) for i in indices)
        started = time.monotonic()
        reporter = asyncio.ensure_future(report(started, total))
        try:
            # No overall bound needed: connecting, each message and closing have their own timeouts.
            runs = await asyncio.gather(*(one(i) for i in indices))
        finally:
            reporter.cancel()
        return Level(label, users, list(runs), time.monotonic() - started)


def run_async(coroutine):
    """asyncio.run, where Ctrl-C or SIGTERM cancels the users cleanly (each closes its connection)
    and then surfaces as KeyboardInterrupt, for the servers and databases to be removed."""
    async def main():
        loop, task = asyncio.get_running_loop(), asyncio.current_task()
        previous = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
        for signum in previous:
            loop.add_signal_handler(signum, task.cancel)
        try:
            return await coroutine
        finally:
            for signum, handler in previous.items():
                loop.remove_signal_handler(signum)
                signal.signal(signum, handler)

    try:
        return asyncio.run(main())
    except asyncio.CancelledError:
        raise KeyboardInterrupt from None


def _errors(sent: list) -> str:
    counts = Counter(s.error for s in sent if s.error)
    return ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())) or "0"


def _ms(value: Optional[float]) -> str:
    return "-" if value is None else f"{value:.0f}"


def print_level(name: str, level: Level) -> None:
    say(f"  [{name}] {level.users} user{'s' if level.users > 1 else ''}: {len(level.sent())} messages sent "
        f"in {level.elapsed_s:.1f} s, {level.per_second:.2f} messages/s, latency p50 {_ms(level.p(.5))} ms "
        f"p95 {_ms(level.p(.95))} ms p99 {_ms(level.p(.99))} ms, errors {_errors(level.sent())}")
    for channel in CHANNELS:
        sent = level.sent(channel)
        if sent:
            say(f"      {channel:9s} {len(sent):4d} sent  p50 {_ms(level.p(.5, channel)):>6s} ms  "
                f"p95 {_ms(level.p(.95, channel)):>6s} ms  p99 {_ms(level.p(.99, channel)):>6s} ms  "
                f"errors {_errors(sent)}")


def print_staff(reader: StaffReader) -> None:
    times = reader.latencies_ms
    if times:
        say(f"      staff app: review queue reloaded {len(times)} times meanwhile, p50 {percentile(times, .5):.0f} ms "
            f"p95 {percentile(times, .95):.0f} ms, errors {reader.errors}")
    else:
        say(f"      staff app: the review queue never loaded (errors {reader.errors})")


async def _listed(reader: StaffReader, conversation_ids: List[str]) -> int:
    async with reader.session() as http:
        await reader.sign_in(http)
        return await reader.listed(http, conversation_ids)


def scan_logs(log_dir: Path) -> List[str]:
    """One line per log: its error and warning counts, and its first distinct errors."""
    findings = []
    for log in sorted(log_dir.glob("*.log")):
        lines = log.read_text(errors="replace").splitlines()
        errors = [l for l in lines if re.search(r"\b(ERROR|CRITICAL)\b|Traceback", l)]
        warnings = [l for l in lines if re.search(r"\bWARNING\b", l)]
        findings.append(f"{log.name}: {len(errors)} error lines, {len(warnings)} warnings")
        for line in list(dict.fromkeys(re.sub(r"^\S+ \S+ ", "", l).strip() for l in errors))[:3]:
            findings.append(f"    {line[:220]}")
    return findings


def run_profile(profile: Profile, model: Path, quick: bool, log_dir: Path) -> ProfileResult:
    from bench import load_breakdown

    result = ProfileResult(profile)
    # The figures assume the machine is otherwise idle: the load average says whether it was.
    say(f"\n== {profile.name} ==  (load average before start {os.getloadavg()[0]:.2f}; stack logs in "
        f"{log_dir.relative_to(ROOT)})")
    started = time.monotonic()
    with running(profile, model, log_dir, say=say) as stack:
        say(f"  stack up in {time.monotonic() - started:.0f} s at {stack.rasa_url}")
        target = Target(stack.rasa_url, stack.standin, stack.settings.telegram_secret_token, TIMEOUT_S)
        next_index, all_runs = 0, []

        def indices(count: int) -> List[int]:
            nonlocal next_index
            taken = list(range(next_index, next_index + count))
            next_index += count
            return taken

        # Warm-up, one conversation per channel (first use of each code path); checked, not timed.
        warm = run_async(_level(target, "warm-up", 1, indices(len(CHANNELS)), True))
        all_runs += warm.runs
        say(f"  warm-up: {len(warm.sent())} messages, errors {_errors(warm.sent())}")
        per_conversation = len(script(0, quick)[0])
        for users in USER_COUNTS:
            # One user: conversations one after another (each within the per-conversation rate limit).
            count = users if users > 1 else -(-(45 if quick else 90) // per_conversation)
            say(f"  running {users} user{'s' if users > 1 else ''} ({count} conversations) ...")
            reader = StaffReader(stack.staff_url, stack.settings.database_url)
            level = run_async(_level(target, f"{users} users", users, indices(count), quick, reader))
            result.staff[users] = reader
            result.levels[users] = level
            all_runs += level.runs
            print_level(profile.name, level)
            print_staff(reader)

        telegram = [r for r in all_runs if r.channel == "telegram" and r.chat_id]
        result.late_telegram = sum(len(stack.standin.messages_to(r.chat_id)) -
                                   sum(len(s.replies) for s in r.sent) for r in telegram)
        one_user_rest = [r for r in result.levels[1].runs if r.channel == "rest" and not r.crisis
                         and all(s.error is None for s in r.sent)]
        if profile.database == "sqlite" and one_user_rest:
            events = load_breakdown.stored_events(stack.settings.database_url, one_user_rest[0].conversation_id)
            result.typical_events = events
            try:
                result.action = load_breakdown.action_round_trip_ms(
                    stack.settings.action_endpoint_url, stack.settings.action_token, events)
            except Exception as error:  # noqa: BLE001 - the breakdown is optional, the run goes on
                say(f"  action round trip not measured: {type(error).__name__}: {error}")
            result.actions_per_message = load_breakdown.actions_per_message(
                stack.settings.database_url, [r.conversation_id for r in result.levels[1].runs])
        crises = [r.conversation_id for r in all_runs if r.crisis]
        result.staff_listed = (run_async(_listed(reader, crises)), len(crises))
        # Checked once every server has stopped: whatever they were still writing has been written.
        stack.stack.stop()
        result.loss = check(stack.settings.database_url, all_runs)
    result.log_findings = scan_logs(log_dir)
    loss = result.loss
    say(f"  store check: {loss.conversations} conversations, {loss.user_messages} user messages, "
        f"{loss.bot_messages} bot messages received, {loss.crises} crisis conversations: "
        f"{loss.lost_user} user messages and {loss.lost_bot} bot messages missing or out of order, "
        f"{loss.unflagged} crises not flagged high")
    for line in loss.examples:
        say(f"    {line}")
    if result.late_telegram:
        say(f"  telegram: {result.late_telegram} replies reached the stand-in after their webhook answered")
    listed, crises = result.staff_listed
    say(f"  staff app: {listed} of {crises} crisis conversations listed in the review queue")
    result.lost_flags_in_queue = crises - listed
    say("  stack logs: " + "; ".join(l for l in result.log_findings if not l.startswith("    ")))
    for line in result.log_findings:
        if line.startswith("    "):
            say(f"  {line}")
    return result


# --- the summary ---------------------------------------------------------------------------------

def _ratio(a: Optional[float], b: Optional[float]) -> Optional[float]:
    return a / b if a is not None and b else None


def print_summary(results: Dict[str, ProfileResult], bare: Optional[List[float]], breakdown: List[tuple]) -> None:
    single = results.get(PROFILES[0].name)
    scaled = results.get(PROFILES[1].name)
    say("\n== against the targets ==")
    one = single.levels.get(1) if single else None
    rest_p50 = one.p(.5, "rest") if one else None
    all_p50 = one.p(.5) if one else None
    bare_p50 = statistics.median(bare) if bare else None
    ratio = _ratio(rest_p50, bare_p50)
    say(f"assistant, one user, SQLite: p50 {_ms(rest_p50)} ms over REST ({len(one.answered('rest')) if one else 0} "
        f"messages), {_ms(all_p50)} ms over all channels; bare Rasa: p50 {_ms(bare_p50)} ms over REST "
        f"({len(bare or [])} messages)")
    say(f"per message, one user: {'n/a' if ratio is None else f'{ratio:.2f}'} times bare Rasa with the same "
        f"tracker store (target 1.25)")
    t1 = single.levels[20].per_second if single and 20 in single.levels else None
    t2 = scaled.levels[20].per_second if scaled and 20 in scaled.levels else None
    throughput = _ratio(t2, t1)
    say(f"two workers vs one, 20 users: {'n/a' if throughput is None else f'{throughput:.2f}'} times the "
        f"throughput ({'-' if t2 is None else f'{t2:.2f}'} vs {'-' if t1 is None else f'{t1:.2f}'} "
        f"messages/s) (target 1.6)")
    p95 = scaled.levels[50].p(.95) if scaled and 50 in scaled.levels else None
    say(f"p95 at 50 users with two workers: {_ms(p95)} ms (target under 1000 ms)")

    say("\n== where the extra time per message goes (measured in-process, ms per message) ==")
    extra = rest_p50 - bare_p50 if rest_p50 is not None and bare_p50 is not None else None
    say(f"extra per message over bare Rasa (p50, one user, REST): {_ms(extra)} ms")
    for name, ms, how in breakdown:
        say(f"  {name:24s} {'-' if ms is None else f'{ms:6.1f}'} ms   {how}")
    measured = [ms for _, ms, _ in breakdown if ms is not None]
    say(f"  {'sum of these':24s} {sum(measured):6.1f} ms" + (
        f"   (not accounted for: {extra - sum(measured):.0f} ms of the {extra:.0f} ms extra; bare Rasa "
        f"also has a tracker store, so not all of the tracker store's time is extra)" if extra is not None else ""))


def measure_breakdown(single: Optional[ProfileResult]) -> List[tuple]:
    """(part, ms per message or None, how it was measured) for each part of the breakdown."""
    from bench import load_breakdown

    messages = list(dict.fromkeys(ORDINARY + CRISIS + [SAFE]))
    parts: List[tuple] = []

    def attempt(name: str, work) -> None:
        try:
            parts.append((name, *work()))
        except Exception as error:  # noqa: BLE001 - one part failing leaves the others
            parts.append((name, None, f"not measured ({type(error).__name__}: {error})"))

    def safety() -> tuple:
        return load_breakdown.safety_ms(messages), f"mean over the {len(messages)} bench messages"

    def country() -> tuple:
        ms = load_breakdown.country_ms(messages, settings_module.load().helplines_file)
        return ms, "CountryFinder.stated(text) + from_metadata(locale, time zone)"

    attempt("safety layer", safety)
    attempt("country extractor", country)
    if single and single.action:
        ms, name = single.action
        parts.append(("action round trip", ms * single.actions_per_message,
                      f"{ms:.1f} ms per POST ({name}, tracker + domain as Rasa sends them, new connection) "
                      f"x {single.actions_per_message:.2f} custom actions per message (one-user conversations)"))
    else:
        parts.append(("action round trip", None, "not measured"))
    if single and single.typical_events:
        import tempfile

        def store() -> tuple:
            with tempfile.TemporaryDirectory(prefix="bench-tracker-store-") as folder:
                retrieve, save = load_breakdown.tracker_store_ms(single.typical_events, Path(folder))
            return retrieve + save, (f"retrieve {retrieve:.1f} + save {save:.1f} ms, a "
                                     f"{len(single.typical_events)}-event conversation, DatabaseTrackerStore")

        attempt("tracker store (SQLite)", store)
    else:
        parts.append(("tracker store (SQLite)", None, "not measured"))
    return parts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer messages (about ten minutes in all)")
    args = parser.parse_args()

    def stop(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)  # cleaned up as Ctrl-C is
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started with SIGINT ignored
    model = model_path(settings_module.load().model_dir)
    if not model.exists():
        raise SystemExit(f"no trained model at {model.relative_to(ROOT)}: run `make setup` first")
    began = time.monotonic()
    log_root = ROOT / "var" / "bench" / "load" / time.strftime("%Y%m%d-%H%M%S")
    say(f"load benchmark{' (--quick)' if args.quick else ''}: model {model.name}, users {USER_COUNTS}, "
        f"channels {', '.join(CHANNELS)}, per-message timeout {TIMEOUT_S:.0f} s")
    results: Dict[str, ProfileResult] = {}
    try:
        for profile in PROFILES:
            slug = re.sub(r"[^a-z0-9]+", "-", profile.name.lower()).strip("-")
            try:
                results[profile.name] = run_profile(profile, model, args.quick, log_root / slug)
            except Exception as error:  # noqa: BLE001 - report why, and go on with the next profile
                say(f"  [{profile.name}] could not run: {type(error).__name__}: {error}")
        single = results.get(PROFILES[0].name)
        bare = None
        one = single.levels.get(1) if single else None
        count = len(one.sent()) if one else (45 if args.quick else 90)
        say(f"\n== bare Rasa (the anchor), one user, {count} messages ==")
        try:
            from bench import bare_rasa
            from tests.support import free_port

            bare = bare_rasa.measure(count, free_port(), log=say)
            say(f"  bare Rasa p50 {statistics.median(bare):.0f} ms  p95 {percentile(bare, .95):.0f} ms")
        except Exception as error:  # noqa: BLE001 - the ratio is then n/a
            say(f"  bare Rasa could not run: {type(error).__name__}: {error}")
        breakdown = measure_breakdown(single)
        print_summary(results, bare, breakdown)
    except KeyboardInterrupt:
        say("\ninterrupted: servers stopped and databases removed")
        return 130
    say(f"\nthe run took {time.monotonic() - began:.0f} s (load average at the end {os.getloadavg()[0]:.2f})")
    lost = sum(r.loss.lost_messages for r in results.values() if r.loss)
    # A crisis not flagged in the store, or flagged but missing from the queue staff work from.
    flags = sum(r.loss.unflagged + r.lost_flags_in_queue for r in results.values() if r.loss)
    say(f"lost: {lost} messages, {flags} flags")
    return 0


if __name__ == "__main__":
    sys.exit(main())
