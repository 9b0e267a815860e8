"""The sealed sets: unchanged since they were sealed, and scored no worse than their recorded minimum.

The minimum is the result recorded when a piece of work was done (tests/data/sealed/sealed.yml), so a
change that makes the layer miss more on messages nobody tuned on fails the build. This test prints
figures, never the misses: nobody reads a sealed set's misses until a newer set exists.
"""
from __future__ import annotations

import pytest

from safety.evaluation import Report
from safety.sealed import SealBroken, SealedSet, sealed_sets

SETS = sealed_sets()


def test_there_is_at_least_one_sealed_set_of_the_required_size():
    newest = SETS[-1]
    from safety.evaluation import read_labelled
    from safety.levels import Level

    examples = read_labelled(newest.path)
    assert len(examples) >= 300
    assert sum(e.level >= Level.HIGH for e in examples) >= 120


@pytest.mark.parametrize("sealed", SETS, ids=[s.path.name for s in SETS])
def test_a_sealed_set_matches_its_checksum(sealed: SealedSet):
    sealed.check()


def test_an_edited_set_is_refused(tmp_path):
    copy = tmp_path / "edited.tsv"
    copy.write_text(SETS[-1].path.read_text(encoding="utf-8") + "none\thello\n", encoding="utf-8")
    with pytest.raises(SealBroken, match="differs from the sealed"):
        SealedSet(copy, "2026-12-01", SETS[-1].sha256).check()


@pytest.mark.parametrize("sealed", SETS, ids=[s.path.name for s in SETS])
def test_the_layer_holds_the_minimum_on_every_sealed_set(layer, sealed: SealedSet):
    assert sealed.minimum, f"{sealed.path.name} has no recorded minimum in sealed.yml"
    report: Report = sealed.score(lambda text: layer.message(text).level)
    below = sealed.below_minimum(report)
    assert not below, "; ".join(f"{t.name}: {t.value:.1%} against a minimum of {floor:.1%}" for t, floor in below)
