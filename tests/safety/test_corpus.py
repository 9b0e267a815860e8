"""The learned detector's training data: gathered from the listed files, sealed sets kept out."""
from __future__ import annotations

from pathlib import Path

import pytest

from safety.corpus import CorpusError, gather
from safety.evaluation import read_labelled
from safety.levels import Level

ROOT = Path(__file__).resolve().parents[2]


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _project(tmp_path: Path, sealed_rows: str) -> Path:
    _write(tmp_path / "train.tsv", "level\ttext\nnone\thi there\nconcern\tmy friend wants to die\n"
           "high\tI want to die\nimminent\tI took all my pills\nnone\twhat is CBT\n")
    _write(tmp_path / "sealed" / "s.tsv", "level\ttext\n" + sealed_rows)
    _write(tmp_path / "sealed" / "sealed.yml", "sets:\n  - file: s.tsv\n")
    return _write(tmp_path / "sources.yml", "tsv: [train.tsv]\nsealed_manifest: sealed/sealed.yml\n")


def test_a_message_of_a_sealed_set_never_reaches_training(tmp_path):
    corpus = gather(_project(tmp_path, "none\tWhat is  CBT\n"), root=tmp_path)
    assert "what is CBT" not in corpus.texts and corpus.left_out == 1
    assert len(corpus.texts) == 4


def test_the_digest_changes_with_the_data(tmp_path):
    sources = _project(tmp_path, "none\tsomething else\n")
    before = gather(sources, root=tmp_path).digest
    _write(tmp_path / "train.tsv", (tmp_path / "train.tsv").read_text() + "none\tgood morning\n")
    assert gather(sources, root=tmp_path).digest != before


def test_missing_levels_and_files_are_clear_errors(tmp_path):
    with pytest.raises(CorpusError, match="no such file"):
        gather(tmp_path / "nope.yml", root=tmp_path)
    _write(tmp_path / "train.tsv", "level\ttext\nnone\thi\n")
    _write(tmp_path / "sources.yml", "tsv: [train.tsv]\n")
    with pytest.raises(CorpusError, match="every level"):
        gather(tmp_path / "sources.yml", root=tmp_path)


def test_the_real_training_data_keeps_every_sealed_set_out():
    corpus = gather()
    keys = {" ".join(t.lower().split()) for t in corpus.texts}
    for path in (ROOT / "tests/data/sealed").glob("*.tsv"):
        assert not any(" ".join(e.text.lower().split()) in keys for e in read_labelled(path))
    assert {Level(l) for l in corpus.levels} == set(Level)
