"""The screen against the independently labelled set: the four targets of the specification."""
from __future__ import annotations

from pathlib import Path

import pytest

from safety import Level, Screen
from safety.evaluation import Report, evaluate, format_report, read_labelled

LABELLED = Path(__file__).resolve().parents[1] / "data" / "safety_labelled.tsv"


@pytest.fixture(scope="module")
def report() -> Report:
    assert LABELLED.is_file(), f"the labelled evaluation set is missing: {LABELLED}"
    examples = read_labelled(LABELLED)
    assert len(examples) >= 400, f"expected at least 400 labelled messages, found {len(examples)}"
    screen = Screen()
    return evaluate(examples, lambda text: screen.message(text).level)


def test_high_and_imminent_are_detected(report: Report) -> None:
    value = report.share([Level.HIGH, Level.IMMINENT], Level.HIGH)
    assert value >= 0.98, format_report(report, show_misses=True)


def test_imminent_is_detected_as_imminent(report: Report) -> None:
    value = report.share([Level.IMMINENT], Level.IMMINENT)
    assert value >= 0.90, format_report(report, show_misses=True)


def test_concern_is_detected(report: Report) -> None:
    value = report.share([Level.CONCERN], Level.CONCERN)
    assert value >= 0.85, format_report(report, show_misses=True)


def test_few_false_alarms(report: Report) -> None:
    value = report.false_alarm_rate()
    assert value <= 0.03, format_report(report, show_misses=True)


def test_every_target_passes(report: Report) -> None:
    assert all(target.passed for target in report.targets()), format_report(report)
