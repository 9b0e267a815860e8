"""`python -m safety classify` and `python -m safety evaluate`, run as the operator would."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "safety", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_classify_writes_one_json_object_a_line() -> None:
    lines = ["I want to die", "this exam is killing me", "", "I've taken 30 pills", "my friend wants to kill herself"]
    result = run("classify", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["level"] for o in out] == ["high", "none", "none", "imminent", "concern"]
    assert out[0]["categories"] == ["suicidal_ideation"]
    assert out[4]["categories"] == ["third_person"]
    for text, verdict in zip(lines, out):
        assert {"level", "categories", "evidence", "detectors", "reasons"} <= set(verdict)
        for evidence in verdict["evidence"]:
            assert text[evidence["start"]:evidence["end"]] == evidence["text"]


def test_classify_keeps_offsets_for_disguised_words() -> None:
    result = run("classify", stdin="honestly I w4nt to d!e\n")
    verdict = json.loads(result.stdout)
    assert verdict["level"] == "high"
    assert any("d!e" in e["text"] for e in verdict["evidence"])


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_evaluate_prints_the_report(tmp_path: Path) -> None:
    data = write(tmp_path / "set.tsv", "level\ttext\n"
                 "none\tthis exam is killing me\n"
                 "none\tI'm not suicidal\n"
                 "concern\tmy friend wants to kill herself\n"
                 "high\tI want to die\n"
                 "imminent\tI'm going to kill myself tonight\n"
                 "imminent\tI'm sad\n")
    result = run("evaluate", str(data), "--misses")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for expected in ("recall", "precision", "confusion", "false-alarm rate", "targets",
                     "FAIL  high+imminent detected as high or above:  66.7%", "FAIL  imminent detected as imminent:  50.0%",
                     "PASS  concern detected as concern or above: 100.0%",
                     "PASS  none raised to high or above:   0.0%", "imminent -> none  I'm sad",
                     "high+imminent answered (crisis line or direct question)"):
        assert expected in out, out
    assert "6 messages" in out


def test_evaluate_missing_file(tmp_path: Path) -> None:
    result = run("evaluate", str(tmp_path / "nope.tsv"))
    assert result.returncode == 1
    assert "nope.tsv" in result.stderr and "no such file" in result.stderr


@pytest.mark.parametrize("content,message", [
    ("level\ttext\nhigh\tI want to die\nurgent\thelp\n", ":3: unknown level 'urgent'"),
    ("level\ttext\nhigh\tI want to die\nconcern\n", ":3: expected 2 tab-separated columns, found 1"),
    ("label\tmessage\nhigh\tI want to die\n", ":1: the header must name the columns 'level' and 'text'"),
    ("level\ttext\nnone\t \n", ":2: the text is empty"),
])
def test_evaluate_malformed_rows_name_the_line(tmp_path: Path, content: str, message: str) -> None:
    result = run("evaluate", str(write(tmp_path / "bad.tsv", content)))
    assert result.returncode == 1
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_explain_says_why(tmp_path: Path) -> None:
    result = run("explain", "I'm not suicidal, just tired")
    assert result.returncode == 0, result.stderr
    assert "level: none" in result.stdout and "negated" in result.stdout and "learned" in result.stdout


def test_evaluate_one_detector_alone(tmp_path: Path) -> None:
    data = write(tmp_path / "set.tsv", "level\ttext\nhigh\tich will nicht mehr leben\nnone\thello\n")
    result = run("evaluate", str(data), "--detector", "languages")
    assert result.returncode == 0, result.stderr
    assert "languages" in result.stdout and "high+imminent detected as high or above: 100.0%" in result.stdout


def test_train_reports_the_model() -> None:
    result = run("train")
    assert result.returncode == 0, result.stderr
    assert "learned detector" in result.stdout and "training messages" in result.stdout
