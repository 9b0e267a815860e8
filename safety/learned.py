"""The learned model: character and word n-grams into a logistic regression over the four levels.

Chosen by measurement (bench/safety_learned.py): on messages it never saw it finds phrasings that
no hand-written pattern lists ("gonna unalive tn", "put the kids' letters on the table") because
character n-grams carry misspellings, slang and other languages, and it stays small, fast (well
under a millisecond a message) and explainable: every score is a sum of weighted n-grams.

The model is built from the training data at set-up (a few seconds) and cached under var/safety/,
keyed by a digest of the data and this code, so nothing is downloaded and a change to the data
rebuilds it.
"""
from __future__ import annotations

import hashlib
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

import joblib
import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from safety.corpus import ROOT, Corpus, gather
from safety.levels import Level

log = logging.getLogger(__name__)

CACHE_DIR = ROOT / "var" / "safety"  # beside the SQLite database; rebuilt whenever it is missing
# Regularisation and class weights, chosen on the development sets (bench/safety_learned.py).
C = 10.0


def _pipeline() -> Pipeline:
    features = FeatureUnion([
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2,
                                  lowercase=True, dtype=np.float32)),
        ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                                  token_pattern=r"(?u)\b\w+\b", lowercase=True, dtype=np.float32)),
    ])
    # Solver and tolerance fixed so that the same data gives the same model on every machine.
    model = LogisticRegression(C=C, max_iter=3000, class_weight="balanced", solver="lbfgs")
    return Pipeline([("features", features), ("model", model)])


@dataclass(frozen=True)
class Scores:
    """How likely the message is at each level or above."""

    concern: float
    high: float
    imminent: float

    def as_dict(self) -> dict[str, float]:
        return {"concern+": self.concern, "high+": self.high, "imminent": self.imminent}


class LearnedModel:
    def __init__(self, pipeline: Pipeline, version: str) -> None:
        self.pipeline = pipeline
        self.version = version
        self._names = pipeline.named_steps["features"].get_feature_names_out()
        self._coef = pipeline.named_steps["model"].coef_

    @classmethod
    def train(cls, corpus: Corpus, version: str) -> "LearnedModel":
        pipeline = _pipeline()
        pipeline.fit(list(corpus.texts), np.array([int(l) for l in corpus.levels]))
        return cls(pipeline, version)

    def scores(self, text: str) -> Scores:
        p = self.pipeline.predict_proba([text])[0]
        return Scores(concern=float(1 - p[0]), high=float(p[2] + p[3]), imminent=float(p[3]))

    def reasons(self, text: str, top: int = 6) -> list[tuple[str, float]]:
        """The n-grams that pushed the message furthest from `none`, with their weight."""
        x = self.pipeline.named_steps["features"].transform([text]).tocsr()
        toward_risk = self._coef[1:].max(axis=0) - self._coef[0]
        weights = [(self._names[j], float(v * toward_risk[j])) for j, v in zip(x.indices, x.data)]
        weights.sort(key=lambda pair: -pair[1])
        return [(name.split("__", 1)[-1], w) for name, w in weights[:top] if w > 0]


def model_version(corpus: Corpus) -> str:
    digest = hashlib.sha256(corpus.digest.encode())
    digest.update(Path(__file__).read_bytes())
    digest.update(sklearn.__version__.encode())
    return digest.hexdigest()[:12]


def load_or_train(cache_dir: Path | None = None, corpus: Corpus | None = None) -> LearnedModel:
    """The cached model for the current training data, trained and cached first if need be."""
    corpus = corpus or gather()
    version = model_version(corpus)
    path = (cache_dir or CACHE_DIR) / f"learned-{version}.joblib"
    if path.is_file():
        try:
            return LearnedModel(joblib.load(path), version)
        except Exception as error:  # a truncated or foreign file: rebuild rather than fail
            log.warning("the cached safety model %s could not be read (%s); rebuilding it", path, error)
    log.info("training the learned safety detector on %d messages (a few seconds, once) ...", len(corpus.texts))
    started = time.perf_counter()
    model = LearnedModel.train(corpus, version)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    joblib.dump(model.pipeline, partial)
    partial.replace(path)  # atomic: another process never reads half a model
    log.info("learned safety detector trained in %.1f s: %s", time.perf_counter() - started, path)
    return model
