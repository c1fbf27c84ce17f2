"""Copies of the pinned Metapsy snapshots, edited for a test: columns reordered, a cell changed,
a study removed, the release record altered."""

import csv
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path

from benchmark_pipeline.constants import DATA_DIR

PINNED = DATA_DIR / "metapsy"
DATASETS = ("depression-psiloctr", "ptsd-mdmactr")
Table = tuple[list[str], list[list[str]]]


def read_table(path: Path) -> Table:
    rows = list(
        csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline=""), delimiter=";")
    )
    return rows[0], rows[1:]


def write_table(path: Path, header: list[str], rows: list[list[str]]) -> None:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=";", lineterminator="\n").writerows([header, *rows])
    path.write_text(out.getvalue(), encoding="utf-8")


def copy_snapshot(
    target: Path,
    dataset: str,
    *,
    edit_table: Callable[[list[str], list[list[str]]], Table] | None = None,
    edit_record: Callable[[dict], dict] | None = None,
) -> Path:
    """``data/metapsy/<dataset>/`` and its release record copied into ``target``, edited."""
    folder = target / dataset
    shutil.copytree(PINNED / dataset, folder)
    record = json.loads((PINNED / f"{dataset}.release.json").read_text(encoding="utf-8"))
    if edit_record:
        record = edit_record(record)
    (target / f"{dataset}.release.json").write_text(json.dumps(record), encoding="utf-8")
    if edit_table:
        write_table(folder / "data.csv", *edit_table(*read_table(folder / "data.csv")))
    return folder


def set_cell(row_id: str, column: str, value: str) -> Callable[[list[str], list[list[str]]], Table]:
    def edit(header: list[str], rows: list[list[str]]) -> Table:
        i, j = header.index(".id"), header.index(column)
        hits = [r for r in rows if r[i] == row_id]
        assert len(hits) == 1, row_id
        hits[0][j] = value
        return header, rows

    return edit


def without_study(study: str) -> Callable[[list[str], list[list[str]]], Table]:
    def edit(header: list[str], rows: list[list[str]]) -> Table:
        kept = [r for r in rows if r[header.index("study")] != study]
        assert len(kept) < len(rows), study
        return header, kept

    return edit


def columns_reversed(header: list[str], rows: list[list[str]]) -> Table:
    return header[::-1], [r[::-1] for r in rows]


def without_column(column: str) -> Callable[[list[str], list[list[str]]], Table]:
    def edit(header: list[str], rows: list[list[str]]) -> Table:
        j = header.index(column)
        return header[:j] + header[j + 1 :], [r[:j] + r[j + 1 :] for r in rows]

    return edit
