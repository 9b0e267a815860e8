"""Training the Rasa model only when its inputs changed.

The model's name carries a hash of everything that shapes it (config, domain, training data, our NLU
components and the data they read), so an unchanged project reuses its model without starting Rasa.
"""
from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterable

from bot.settings import ROOT

TRAINING_LOG = ROOT / "var" / "logs" / "train.log"
INPUTS = (
    "config.yml",
    "domain",
    "data/nlu",
    "data/rules",
    "data/stories",
    # Our NLU components are not trainable: the model keeps their configuration, and each server
    # start builds them from the current code and data (the screen's patterns, the helpline
    # directory). So only the adapter classes count here, not what they load.
    "safety/rasa_component.py",
    "bot/nlu/country_extractor.py",
    "bot/nlu/message_shape.py",
    "bot/nlu/age_extractor.py",
)
# Only these: data/content/ is content for the store, not Rasa training data.
TRAINING_DATA = ("data/nlu", "data/rules", "data/stories")
_SUFFIXES = {".py", ".yml", ".yaml", ".txt", ".json"}


def _files(paths: Iterable[str]) -> list[Path]:
    found = []
    for name in paths:
        path = ROOT / name
        candidates = [path] if path.is_file() else sorted(path.rglob("*"))
        found += [p for p in candidates if p.is_file() and p.suffix in _SUFFIXES
                  and "__pycache__" not in p.parts]
    return found


def fingerprint() -> str:
    digest = hashlib.sha256()
    for path in _files(INPUTS):
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def model_path(model_dir: Path) -> Path:
    return model_dir / f"model-{fingerprint()}.tar.gz"


def train_if_needed(model_dir: Path, env: dict, log=print) -> Path:
    """Returns the model for the current inputs, training it first if there is none."""
    target = model_path(model_dir)
    if target.exists():
        log(f"model is up to date: {target.name}")
        return target
    log_file = TRAINING_LOG
    log(f"training data changed: training the model (a few minutes on 2 cores; Rasa's output goes to "
        f"{log_file.relative_to(ROOT)}) ...")
    command = [sys.executable, "-m", "rasa", "train", "--domain", "domain", "--config", "config.yml",
               "--data", *TRAINING_DATA, "--out", str(model_dir), "--fixed-model-name", target.name[:-7]]
    started = time.monotonic()
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file, "w") as out:  # screens of library warnings and progress bars stay out of sight
        finished = subprocess.run(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    if finished.returncode != 0:
        tail = log_file.read_text(errors="replace").splitlines()[-40:]
        log("training failed; the end of its output:\n" + "\n".join(tail))
        raise subprocess.CalledProcessError(finished.returncode, command)
    seconds = time.monotonic() - started
    training_seconds_file(target).write_text(f"{seconds:.1f}\n")
    log(f"trained {target.name} in {seconds:.0f} s")
    _remove_older(target)
    return target


def _remove_older(current: Path) -> None:
    for old in current.parent.glob("model-*"):
        if not old.name.startswith(current.name[:-len(".tar.gz")]):
            old.unlink(missing_ok=True)


def training_seconds_file(model: Path) -> Path:
    """Where the training time of a model is kept, for the benchmark to report."""
    return model.with_name(model.name.replace(".tar.gz", ".train-seconds"))
