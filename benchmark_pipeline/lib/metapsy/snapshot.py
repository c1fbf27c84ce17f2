"""A dataset snapshot on disk: the maintainers' folder and our release record beside it.

``data/metapsy/<folder>/`` holds the release exactly as published (data.csv, license,
readme.md, metadata/); ``data/metapsy/<folder>.release.json`` says which dataset and release it
is, where it came from, its DOI and licence, and the maintainers' published primary result for
that release with its source (``null`` when they have published none for it).
"""

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from benchmark_pipeline.lib.metapsy.published import PublishedResult


class MetapsyFileError(ValueError):
    """A file of a snapshot cannot be read as what it should be; nothing from it is loaded."""


class ReleaseRecord(BaseModel):
    """The content of ``<folder>.release.json``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    dataset: str = Field(pattern=r"^[a-z0-9]+-[a-z0-9]+$")
    title: str
    release: str = Field(min_length=1)
    release_note: str | None = None
    # The day the release was tagged, with where that was read; the pooled cohort row's
    # publication_year is its year (a release year, not a publication's).
    release_date: date | None = None
    release_date_source: str | None = None
    commit: str | None = Field(None, pattern=r"^[0-9a-f]{40}$")
    repository: str = Field(pattern=r"^https://github\.com/")
    dataset_doi: str | None = Field(None, pattern=r"^10\.\d{4,9}/\S+$")
    dataset_doi_source: str | None = None
    license: str
    license_source: str
    published_primary_result: PublishedResult | None

    @model_validator(mode="after")
    def _dated_with_source(self) -> "ReleaseRecord":
        if (self.release_date is None) != (self.release_date_source is None):
            raise ValueError("release_date and release_date_source go together")
        return self


@dataclass(frozen=True)
class Snapshot:
    """One release of one dataset on disk."""

    folder: Path
    record: ReleaseRecord
    authors: tuple[str, ...]

    @property
    def dataset(self) -> str:
        return self.record.dataset

    @property
    def release(self) -> str:
        return self.record.release

    @property
    def data_csv(self) -> Path:
        return self.folder / "data.csv"

    @property
    def published(self) -> PublishedResult | None:
        return self.record.published_primary_result


def release_record_path(folder: Path) -> Path:
    return folder.parent / f"{folder.name}.release.json"


def _read_json(path: Path) -> object:
    if not path.is_file():
        raise MetapsyFileError(f"{path}: not found")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MetapsyFileError(f"{path}: not a UTF-8 JSON file ({exc})") from None


def _authors(folder: Path) -> tuple[str, ...]:
    path = folder / "metadata" / "authors.json"
    if not path.is_file():
        return ()
    entries = _read_json(path)
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and isinstance(e.get("name"), str) for e in entries
    ):
        raise MetapsyFileError(f"{path}: expected a list of {{'name': ...}} entries")
    return tuple(e["name"] for e in entries)


def read_snapshot(folder: Path) -> Snapshot:
    """The snapshot in ``folder`` with its release record; raises ``MetapsyFileError`` naming the
    file when the folder, its data.csv or its release record is missing or malformed, or when
    the record names another dataset than the folder's ``metadata/shorthand.txt``."""
    if not folder.is_dir():
        raise MetapsyFileError(f"{folder}: snapshot folder not found")
    if not (folder / "data.csv").is_file():
        raise MetapsyFileError(f"{folder / 'data.csv'}: not found")
    record_path = release_record_path(folder)
    try:
        record = ReleaseRecord.model_validate(_read_json(record_path))
    except ValidationError as exc:
        raise MetapsyFileError(f"{record_path}: {exc}") from None
    shorthand = folder / "metadata" / "shorthand.txt"
    if shorthand.is_file():
        named = shorthand.read_text(encoding="utf-8").strip()
        if named != record.dataset:
            raise MetapsyFileError(
                f"{record_path}: names dataset {record.dataset!r}, but {shorthand} says {named!r}"
            )
    published = record.published_primary_result
    if published is not None and published.release != record.release:
        raise MetapsyFileError(
            f"{record_path}: the published result is for release {published.release}, "
            f"the snapshot is release {record.release}"
        )
    return Snapshot(folder=folder, record=record, authors=_authors(folder))
