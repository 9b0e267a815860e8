"""`make audit`: known advisories in requirements.lock, checked by pip-audit (run from .venv-audit).

    python scripts/audit.py requirements.lock --accepted scripts/audit-accepted.txt

Exit status:
  0  every pin was checked and nothing was found that scripts/audit-accepted.txt does not list;
     also when the vulnerability database could not be reached (a WARNING says so: no audit was done)
  1  an advisory that is not in scripts/audit-accepted.txt (printed with its fixed versions)
  2  only with AUDIT_STRICT=1: the database could not be reached, or some pins could not be checked

pip-audit itself is misleading here: its default service (the PyPI JSON API) answers 404 behind a
registry mirror that serves only the package index, and pip-audit then prints "No known
vulnerabilities found" and exits 0 although it skipped every pin. This script counts the skipped
pins and says so. AUDIT_SERVICE=osv uses OSV instead of PyPI; AUDIT_TIMEOUT sets pip-audit's
per-request timeout (default 15 s).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, List, Set, Tuple

UNREACHABLE = re.compile(r"ConnectionError|NameResolution|Name or service not known|Temporary failure in "
                         r"name resolution|Max retries exceeded|timed out|Timeout|Connection refused|"
                         r"Network is unreachable|SSLError|ProxyError", re.I)
NOT_AUDITED = re.compile(r"not found on PyPI|could not be audited", re.I)


def say(message: str) -> None:
    print(f"[audit] {message}", flush=True)


def warn(message: str) -> None:
    print(f"[audit] WARNING: {message}", file=sys.stderr, flush=True)


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_accepted(path: Path) -> Dict[str, Set[str]]:
    """ID -> packages it is accepted for (ids upper-cased)."""
    accepted: Dict[str, Set[str]] = {}
    if not path.exists():
        return accepted
    for line in path.read_text().splitlines():
        fields = line.split("#", 1)[0].split()
        if len(fields) >= 2:
            accepted.setdefault(fields[0].upper(), set()).add(normalize(fields[1]))
    return accepted


def run_pip_audit(lock: Path, out: Path) -> Tuple[int, str]:
    service = os.environ.get("AUDIT_SERVICE", "pypi")
    cmd = [sys.executable, "-m", "pip_audit", "-r", str(lock), "--no-deps", "--disable-pip",
           "--progress-spinner", "off", "--format", "json", "--output", str(out),
           "--aliases", "on", "--desc", "off", "--vulnerability-service", service,
           "--timeout", os.environ.get("AUDIT_TIMEOUT", "15")]
    say(f"pip-audit -r {lock} --no-deps --disable-pip (service: {service}) ...")
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    except subprocess.TimeoutExpired:
        return -1, "pip-audit did not finish within 900 s (Timeout)"
    return done.returncode, done.stdout + done.stderr


def could_not_audit(reason: str) -> int:
    warn(f"{reason}")
    warn("NO AUDIT WAS DONE: the vulnerability database could not be reached from here. Run `make audit` "
         "where PyPI's JSON API or api.osv.dev is reachable (AUDIT_SERVICE=osv) before relying on it.")
    return 2 if os.environ.get("AUDIT_STRICT") else 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("lock", type=Path)
    parser.add_argument("--accepted", type=Path, default=Path("scripts/audit-accepted.txt"))
    args = parser.parse_args()
    pinned = [l for l in args.lock.read_text().splitlines() if re.match(r"^[A-Za-z0-9][^#\s]*==", l)]

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "audit.json"
        code, log = run_pip_audit(args.lock, out)
        if not out.exists() or out.stat().st_size == 0:
            last = [l for l in log.strip().splitlines() if l.strip()][-1:] or ["(no output)"]
            if UNREACHABLE.search(log):
                return could_not_audit(f"pip-audit could not reach its database: {last[0][:300]}")
            warn(f"pip-audit failed (exit {code}) without a report: {last[0][:300]}")
            return could_not_audit("pip-audit produced no report")
        report = json.loads(out.read_text())

    deps = report.get("dependencies", [])
    skipped = [d for d in deps if d.get("skip_reason")]
    audited = [d for d in deps if not d.get("skip_reason")]
    if deps and not audited and all(NOT_AUDITED.search(d["skip_reason"]) for d in skipped):
        return could_not_audit(f"all {len(skipped)} pins were skipped ('{skipped[0]['skip_reason']}'): "
                               "the index answers, but its vulnerability data (PyPI JSON API) is missing")

    accepted = read_accepted(args.accepted)
    new: List[str] = []
    known: List[str] = []
    for dep in audited:
        name, ver = normalize(dep["name"]), dep.get("version", "?")
        for vuln in dep.get("vulns", []):
            ids = [vuln["id"], *vuln.get("aliases", [])]
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fixed version"
            line = f"{name}=={ver}  {' / '.join(ids)}  (fixed in: {fixes})"
            if any(name in accepted.get(i.upper(), ()) for i in ids):
                known.append(line)
            else:
                new.append(line)

    say(f"{len(audited)} of {len(pinned)} pins checked against the {os.environ.get('AUDIT_SERVICE', 'pypi')} "
        f"database")
    if known:
        say(f"{len(known)} known advisories accepted in {args.accepted} (docs/dependencies.md says why):")
        for line in known:
            print(f"    accepted  {line}")
    status = 0
    if skipped:
        warn(f"{len(skipped)} pins could not be checked:")
        for dep in skipped:
            print(f"    skipped   {dep['name']}: {dep['skip_reason']}", file=sys.stderr)
        if os.environ.get("AUDIT_STRICT"):
            status = 2
    if new:
        print(f"[audit] FAILED: {len(new)} advisories not in {args.accepted}:", file=sys.stderr)
        for line in new:
            print(f"    NEW       {line}", file=sys.stderr)
        print("[audit] Fix the pin, or (if no fixed version fits Rasa 3.6) add the id to "
              f"{args.accepted} with the reason.", file=sys.stderr)
        return 1
    if not skipped:
        say("no advisories beyond the accepted ones")
    return status


if __name__ == "__main__":
    sys.exit(main())
