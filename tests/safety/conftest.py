"""One safety layer for the safety tests: building it loads the patterns and the learned model."""
from __future__ import annotations

import pytest

from safety.layer import SafetyLayer


@pytest.fixture(scope="session")
def layer() -> SafetyLayer:
    return SafetyLayer()
