"""Detectors: each reads a message and gives an Opinion; safety.policy combines them.

A detector is any object with `name`, `version` and `__call__(text) -> Opinion`.
"""
from typing import Protocol

from safety.opinion import Opinion


class Detector(Protocol):
    name: str
    version: str

    def __call__(self, text: str) -> Opinion: ...
