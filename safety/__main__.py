"""Command line: the safety layer's verdict, exactly as the bot acts on it.

classify  reads one message a line on stdin, writes one JSON verdict a line on stdout.
explain   shows, for one message, which rule or feature fired, which vetoes applied, and why the
          final level was chosen.
evaluate  scores the layer (or one detector, --detector) on a labelled TSV (columns `level` and
          `text`); exit code 1 if the file is missing or malformed.
train     builds the learned detector's model from the training data (make setup runs it; the
          layer also builds it on first use).
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

# thinc (under spaCy) imports TensorFlow when it is installed, which Rasa brings along; the layer
# never uses it, and skipping it saves seconds on every command-line run.
sys.modules.setdefault("tensorflow", None)  # type: ignore[arg-type]

from safety.corpus import CorpusError  # noqa: E402
from safety.evaluation import DataError, evaluate, format_report, read_labelled  # noqa: E402

DETECTORS = ("layer", "patterns", "learned", "languages")


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="[safety] %(message)s", stream=sys.stderr)
    logging.getLogger("safety").setLevel(logging.INFO)  # progress of a model build, not spaCy's chatter
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except CorpusError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m safety", description="The safety layer.")
    commands = parser.add_subparsers(dest="command", required=True)
    classify = commands.add_parser("classify", help="verdicts for messages read one a line from stdin")
    classify.set_defaults(run=_classify)
    explain = commands.add_parser("explain", help="why the layer gives a message its level")
    explain.add_argument("text", help="the message")
    explain.set_defaults(run=_explain)
    score = commands.add_parser("evaluate", help="score the layer on a labelled TSV file")
    score.add_argument("file", type=Path, help="TSV with a header naming 'level' and 'text'")
    score.add_argument("--misses", action="store_true", help="list every disagreement")
    score.add_argument("--detector", choices=DETECTORS, default="layer",
                       help="score one detector on its own (default: the whole layer)")
    score.set_defaults(run=_evaluate)
    train = commands.add_parser("train", help="build (or find cached) the learned detector's model")
    train.set_defaults(run=_train)
    return parser


def _layer():
    from safety.layer import SafetyLayer

    return SafetyLayer()


def _classify(args: argparse.Namespace) -> int:
    layer = _layer()
    for line in sys.stdin:
        text = line.rstrip("\r\n")
        print(json.dumps(layer.message(text).to_dict(), ensure_ascii=False), flush=True)
    return 0


def _explain(args: argparse.Namespace) -> int:
    print(_layer().explain(args.text))
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    try:
        examples = read_labelled(args.file)
    except (DataError, OSError, UnicodeDecodeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    layer = _layer()
    if args.detector == "layer":
        classify = lambda text: layer.message(text).level  # noqa: E731
    else:
        detector = next(d for d in layer.detectors if d.name == args.detector)
        classify = lambda text: detector(text).level  # noqa: E731
    report = evaluate(examples, classify)
    print(f"{args.file}: {len(examples)} messages, {args.detector}\n")
    print(format_report(report, show_misses=args.misses))
    return 0


def _train(args: argparse.Namespace) -> int:
    from safety.corpus import gather
    from safety.learned import load_or_train

    corpus = gather()
    model = load_or_train(corpus=corpus)
    print(f"learned detector {model.version}: {len(corpus.texts)} training messages"
          f" ({corpus.left_out} left out because a sealed set has them)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
