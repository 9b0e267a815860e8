"""SQLAlchemy tables of the content store. The YAML in data/content/ is the truth; these are a copy."""
from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


class _Sourced:
    """Columns every curated item has: how strong its evidence is and when it was last reviewed."""
    evidence_strength = Column(String(20), nullable=False)
    evidence_note = Column(Text, nullable=False)
    reviewed_on = Column(Date, nullable=False)


class _Source:
    """Columns of one cited source."""
    id = Column(Integer, primary_key=True)
    position = Column(Integer, nullable=False)
    publisher = Column(String(200), nullable=False)
    title = Column(String(400), nullable=False)
    url = Column(String(600), nullable=False)
    year = Column(Integer)


class Article(_Sourced, Base):
    __tablename__ = "content_articles"
    id = Column(Integer, primary_key=True)
    slug = Column(String(80), nullable=False, unique=True)
    topic = Column(String(80), nullable=False, unique=True)
    title = Column(String(200), nullable=False)
    summary = Column(Text, nullable=False)
    sections = relationship(
        "ArticleSection", order_by="ArticleSection.position", cascade="all, delete-orphan"
    )
    sources = relationship(
        "ArticleSource", order_by="ArticleSource.position", cascade="all, delete-orphan"
    )


class ArticleSection(Base):
    __tablename__ = "content_article_sections"
    __table_args__ = (UniqueConstraint("article_id", "key"),)
    id = Column(Integer, primary_key=True)
    article_id = Column(Integer, ForeignKey("content_articles.id", ondelete="CASCADE"), nullable=False)
    position = Column(Integer, nullable=False)
    key = Column(String(40), nullable=False)
    heading = Column(String(200), nullable=False)
    body = Column(Text, nullable=False)


class ArticleSource(_Source, Base):
    __tablename__ = "content_article_sources"
    article_id = Column(Integer, ForeignKey("content_articles.id", ondelete="CASCADE"), nullable=False)


class Exercise(_Sourced, Base):
    __tablename__ = "content_exercises"
    id = Column(Integer, primary_key=True)
    slug = Column(String(80), nullable=False, unique=True)
    exercise = Column(String(80), nullable=False, unique=True)
    title = Column(String(200), nullable=False)
    intro = Column(Text, nullable=False)
    closing = Column(Text, nullable=False)
    steps = relationship(
        "ExerciseStep", order_by="ExerciseStep.position", cascade="all, delete-orphan"
    )
    sources = relationship(
        "ExerciseSource", order_by="ExerciseSource.position", cascade="all, delete-orphan"
    )


class ExerciseStep(Base):
    __tablename__ = "content_exercise_steps"
    id = Column(Integer, primary_key=True)
    exercise_id = Column(Integer, ForeignKey("content_exercises.id", ondelete="CASCADE"), nullable=False)
    position = Column(Integer, nullable=False)
    text = Column(Text, nullable=False)
    ack = Column(Text, nullable=True)         # how an answer to this step is acknowledged
    keep = Column(String(40), nullable=True)  # the name later acknowledgements use for the answer


class ExerciseSource(_Source, Base):
    __tablename__ = "content_exercise_sources"
    exercise_id = Column(Integer, ForeignKey("content_exercises.id", ondelete="CASCADE"), nullable=False)


class Country(Base):
    __tablename__ = "content_countries"
    code = Column(String(2), primary_key=True)
    name = Column(String(120), nullable=False)
    emergency = Column(String(40), nullable=False)
    helplines = relationship(
        "Helpline", order_by="Helpline.position", cascade="all, delete-orphan"
    )


class Helpline(Base):
    __tablename__ = "content_helplines"
    id = Column(Integer, primary_key=True)
    country_code = Column(String(2), ForeignKey("content_countries.code", ondelete="CASCADE"), nullable=False)
    position = Column(Integer, nullable=False)
    name = Column(String(200), nullable=False)
    kind = Column(String(20), nullable=False)
    call = Column(String(80))
    text = Column(String(200))
    chat = Column(String(600))
    url = Column(String(600))
    hours = Column(String(300), nullable=False)          # as a reply says it (bot/content/hours.py)
    always_open = Column(Boolean, nullable=False, default=False)
    cost = Column(String(20), nullable=False, default="unknown")
    languages = Column(String(200), nullable=False, default="")
    source = Column(String(600), nullable=False)
    source_date = Column(String(10), nullable=False)     # the checked page's own date
    checked_on = Column(Date, nullable=False)
