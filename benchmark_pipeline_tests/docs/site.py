"""The documentation site as a reader gets it: built by MkDocs with --strict from a folder
holding ``mkdocs.yml`` and ``docs/``, and the tables its pages render from the code, read back
out of the built HTML."""

import os
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

BUILD_SECONDS = 300


def build(project: Path, site_dir: Path) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` of ``project`` into ``site_dir``; the finished process, whose
    ``stdout`` holds MkDocs' log (warnings included)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=BUILD_SECONDS,
        check=False,
    )


@dataclass
class Cell:
    text: str = ""
    codes: list[str] = field(default_factory=list)  # the text of each <code> in the cell
    ids: list[str] = field(default_factory=list)  # the id of each element in the cell


class _RenderedTable(HTMLParser):
    """The body rows of the table inside ``<div data-source="...">``."""

    def __init__(self, source: str) -> None:
        super().__init__()
        self.source = source
        self.depth = 0  # div nesting inside the wanted div; 0 = outside it
        self.found = False
        self.rows: list[list[Cell]] = []
        self._cell: Cell | None = None
        self._code: list[str] | None = None
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "div":
            if self.depth:
                self.depth += 1
            elif attributes.get("data-source") == self.source:
                self.depth, self.found = 1, True
        if not self.depth:
            return
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows.append([])
        elif tag == "td" and self._in_body:
            self._cell = Cell()
        elif tag == "code" and self._cell is not None:
            self._code = []
        if self._cell is not None and attributes.get("id"):
            self._cell.ids.append(attributes["id"] or "")

    def handle_endtag(self, tag: str) -> None:
        if not self.depth:
            return
        if tag == "div":
            self.depth -= 1
        elif tag == "tbody":
            self._in_body = False
        elif tag == "code" and self._cell is not None and self._code is not None:
            self._cell.codes.append("".join(self._code))
            self._code = None
        elif tag == "td" and self._cell is not None:
            self._cell.text = self._cell.text.strip()
            self.rows[-1].append(self._cell)
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.text += data
        if self._code is not None:
            self._code.append(data)


def rendered_rows(page: Path, source: str) -> list[list[Cell]]:
    """The rows of the table a page rendered from the code under ``source`` (``checks``,
    ``modalities``, ...); fails when the page has no such table."""
    parser = _RenderedTable(source)
    parser.feed(page.read_text(encoding="utf-8"))
    assert parser.found, f"{page} renders no table from the code under {source!r}"
    return parser.rows
