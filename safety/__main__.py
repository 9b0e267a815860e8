"""Command line: `python -m safety classify` and `python -m safety evaluate FILE.tsv`.

classify  reads one message a line on stdin, writes one JSON verdict a line on stdout.
evaluate  scores the screen on a labelled TSV (columns `level` and `text`); exit code 1 if the
          file is missing or malformed.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

# thinc (under spaCy) imports TensorFlow when it is installed, which Rasa brings along; the screen
# never uses it, and skipping it saves seconds on every command-line run.
sys.modules.setdefault("tensorflow", None)  # type: ignore[arg-type]

from safety.evaluation import DataError, evaluate, format_report, read_labelled  # noqa: E402
from safety.screen import Screen  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return args.run(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m safety", description="Crisis-detection screen.")
    commands = parser.add_subparsers(dest="command", required=True)
    classify = commands.add_parser("classify", help="screen messages read one a line from stdin")
    classify.set_defaults(run=_classify)
    score = commands.add_parser("evaluate", help="score the screen on a labelled TSV file")
    score.add_argument("file", type=Path, help="TSV with a header naming 'level' and 'text'")
    score.add_argument("--misses", action="store_true", help="list every disagreement")
    score.set_defaults(run=_evaluate)
    return parser


def _classify(args: argparse.Namespace) -> int:
    screen = Screen()
    for line in sys.stdin:
        text = line.rstrip("\r\n")
        print(json.dumps(screen.message(text).to_dict(), ensure_ascii=False), flush=True)
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    try:
        examples = read_labelled(args.file)
    except (DataError, OSError, UnicodeDecodeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    screen = Screen()
    report = evaluate(examples, lambda text: screen.message(text).level)
    print(f"{args.file}: {len(examples)} messages\n")
    print(format_report(report, show_misses=args.misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
