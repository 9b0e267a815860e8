"""Loading the curated content: all of it, idempotently, on SQLite and PostgreSQL; bad files refused whole."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from bot.content.loader import load_content
from bot.content.models import Article, ArticleSection, Country, Exercise, ExerciseStep, Helpline
from bot.content.schema import ContentError
from bot.database import session_scope
from tests.conftest import CONTENT


def _counts(url: str) -> dict:
    with session_scope(url) as session:
        return {m.__name__: session.scalar(select(func.count()).select_from(m))
                for m in (Article, ArticleSection, Exercise, ExerciseStep, Country, Helpline)}


def test_loads_every_file_and_twice_is_the_same(database_url):
    report = load_content(database_url, CONTENT)
    assert report.articles == len(list((CONTENT / "articles").glob("*.yml")))
    assert report.exercises == len(list((CONTENT / "exercises").glob("*.yml")))
    assert report.countries >= 30
    first = _counts(database_url)
    load_content(database_url, CONTENT)
    assert _counts(database_url) == first
    assert first["Article"] == report.articles and first["Helpline"] == report.helplines


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


BREAKAGES = [
    ("articles/antidepressants.yml", lambda d: d.pop("sources"), "sources"),
    ("articles/esketamine.yml", lambda d: d["evidence"].update(strength="excellent"), "evidence.strength"),
    ("articles/symptoms.yml", lambda d: d["sections"][0].update(key="side_effects"), "sections[0].key"),
    ("articles/causes.yml", lambda d: d.update(reviewed_on="last week"), "reviewed_on"),
    ("articles/causes.yml", lambda d: [d["sources"][0].pop(k, None) for k in ("year", "accessed")], "sources[0].year"),
    ("articles/diagnosis.yml", lambda d: d.update(slug="diagnosis-2"), "slug"),
    ("exercises/slow-breathing.yml", lambda d: d.update(steps=[]), "steps"),
    ("exercises/reaching-out.yml", lambda d: d["sources"][0].update(url="not a url"), "sources[0].url"),
    ("helplines.yml", lambda d: d["countries"][0]["helplines"][0].update(call=None, text=None, chat=None),
     "countries[0].helplines[0].call"),
    ("helplines.yml", lambda d: d["countries"][0]["helplines"][0].update(hours="day and night"),
     "countries[0].helplines[0].hours"),
    ("helplines.yml", lambda d: d["countries"][0]["helplines"][0].update(
        hours={"time_zone": "Europe/Nowhere", "open": [{"days": ["mon"], "from": "09:00", "to": "17:00"}]}),
     "countries[0].helplines[0].hours"),
    ("helplines.yml", lambda d: d["countries"][0]["helplines"][0].update(cost="cheap"),
     "countries[0].helplines[0].cost"),
    ("helplines.yml", lambda d: d["countries"][0]["helplines"][0].update(source_date="last year"),
     "countries[0].helplines[0].source_date"),
    ("helplines.yml", lambda d: d["countries"][0]["helplines"][0].pop("checked_on"),
     "countries[0].helplines[0].checked_on"),
    ("helplines.yml", lambda d: d["countries"][1].update(code=d["countries"][0]["code"]), "countries[1].code"),
    ("helplines.yml", lambda d: d["countries"][0].pop("emergency"), "countries[0].emergency"),
]


@pytest.mark.parametrize("relative, change, field", BREAKAGES, ids=[b[2] for b in BREAKAGES])
def test_a_bad_file_is_refused_naming_file_and_field_and_nothing_changes(
        sqlite_url, content_copy, relative, change, field):
    load_content(sqlite_url, CONTENT)
    before = _counts(sqlite_url)
    _edit(content_copy / relative, change)
    with pytest.raises(ContentError) as error:
        load_content(sqlite_url, content_copy)
    assert error.value.path.endswith(relative) and error.value.field == field
    assert relative in str(error.value) and field in str(error.value)
    assert _counts(sqlite_url) == before


def test_invalid_yaml_is_refused_with_its_line(sqlite_url, content_copy):
    (content_copy / "articles" / "causes.yml").write_text("slug: causes\ntitle: [unclosed\n")
    with pytest.raises(ContentError) as error:
        load_content(sqlite_url, content_copy)
    assert "causes.yml" in str(error.value) and "line" in error.value.field


def test_a_missing_helpline_file_is_refused(sqlite_url, content_copy):
    (content_copy / "helplines.yml").unlink()
    with pytest.raises(ContentError, match="helplines.yml"):
        load_content(sqlite_url, content_copy)
    assert _counts(sqlite_url)["Article"] == 0
