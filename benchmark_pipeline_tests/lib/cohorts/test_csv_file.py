"""The cohort CSV as a whole: encoding, header, trailing delimiters, empty files, its size and
the length of one cell."""

import csv
import re
from pathlib import Path

import pytest

from benchmark_pipeline.lib.cohorts.contract import COLUMNS
from benchmark_pipeline.lib.cohorts.csv_file import (
    MAX_CELL_CHARS,
    MAX_FILE_BYTES,
    CohortCsvError,
    read_cohort_csv,
)

CORPUS = Path(__file__).resolve().parents[2] / "data"
HEADER = ",".join(COLUMNS)


def test_bom_file_reads_like_plain_utf8() -> None:
    frame = read_cohort_csv(CORPUS / "cohorts_bom.csv")
    assert frame["cohort_name"].tolist() == ["good one", "good two"]
    assert list(frame.columns) == COLUMNS
    assert frame.index.tolist() == [2, 3]  # spreadsheet rows: the header is row 1


def test_missing_columns_are_named() -> None:
    with pytest.raises(CohortCsvError, match="missing column\\(s\\): doi, license"):
        read_cohort_csv(CORPUS / "cohorts_missing_column.csv")


def test_unknown_columns_are_named() -> None:
    with pytest.raises(CohortCsvError, match="unknown column\\(s\\): 'journal_impact'"):
        read_cohort_csv(CORPUS / "cohorts_extra_column.csv")


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.csv"
    with pytest.raises(CohortCsvError, match=str(missing)):
        read_cohort_csv(missing)


def test_header_without_rows_is_refused() -> None:
    path = CORPUS / "cohorts_header_only.csv"
    with pytest.raises(CohortCsvError) as raised:
        read_cohort_csv(path)
    assert str(raised.value).startswith(f"{path}: the header is there but no data row follows")


@pytest.mark.parametrize("content", ["", "\r\n\r\n", ",,,\r\n"])
def test_empty_file_is_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "empty.csv"
    path.write_text(content)
    with pytest.raises(CohortCsvError, match="the file is empty"):
        read_cohort_csv(path)


@pytest.mark.parametrize(
    "name", ["cohorts_trailing_delimiter.csv", "cohorts_trailing_delimiter_rows_only.csv"]
)
def test_trailing_delimiter_is_an_empty_unnamed_last_column(name: str) -> None:
    frame = read_cohort_csv(CORPUS / name)
    plain = read_cohort_csv(CORPUS / "cohorts_bom.csv")
    assert frame.equals(plain)
    assert frame["value_sources"].tolist() == ["none: test data"] * 2


def test_value_after_the_last_named_column_is_refused_naming_the_line() -> None:
    path = CORPUS / "cohorts_trailing_value.csv"
    with pytest.raises(CohortCsvError) as raised:
        read_cohort_csv(path)
    assert str(raised.value) == (
        f"{path}: line 3: {len(COLUMNS) + 1} field(s) where the header names {len(COLUMNS)}; "
        "value 'see row 2' after the last named column"
    )


def test_short_line_is_refused_naming_the_line(tmp_path: Path) -> None:
    good = (CORPUS / "cohorts_bom.csv").read_text(encoding="utf-8-sig").splitlines()
    path = tmp_path / "short.csv"
    path.write_text("\n".join([*good, "truncated,row"]) + "\n")
    message = f"line 4: 2 field\\(s\\) where the header names {len(COLUMNS)}"
    with pytest.raises(CohortCsvError, match=message):
        read_cohort_csv(path)


def test_unnamed_column_inside_the_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "gap.csv"
    path.write_text(HEADER.replace(",doi,", ",doi,,") + "\n")
    with pytest.raises(CohortCsvError, match="without a name at position\\(s\\) 4"):
        read_cohort_csv(path)


def test_latin1_file_is_refused_naming_byte_offset_and_line() -> None:
    path = CORPUS / "cohorts_latin1.csv"
    data = path.read_bytes()
    offset = data.index(b"\xe9")
    with pytest.raises(CohortCsvError) as raised:
        read_cohort_csv(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: not utf-8 text: byte 0xE9 at offset {offset:,} (line 2,")
    assert f"byte {len('Cohorte de Montr') + 1} of the line" in message
    assert "set encoding" in message


def test_latin1_file_reads_with_its_encoding() -> None:
    frame = read_cohort_csv(CORPUS / "cohorts_latin1.csv", encoding="latin-1")
    assert frame["cohort_name"].tolist() == ["Cohorte de Montréal", "good two"]
    assert frame["country"].tolist() == ["Québec", "Nowhere"]


def test_unknown_encoding_is_named() -> None:
    with pytest.raises(CohortCsvError, match=re.escape("unknown encoding 'latin-9000'")):
        read_cohort_csv(CORPUS / "cohorts_bom.csv", encoding="latin-9000")


def test_quoted_cells_keep_commas_newlines_and_row_numbers(tmp_path: Path) -> None:
    good = (CORPUS / "cohorts_bom.csv").read_text(encoding="utf-8-sig").splitlines()
    multiline = good[1].replace("fictional test row", '"line one\nline two, with a comma"')
    path = tmp_path / "quoted.csv"
    path.write_text("\n".join([good[0], multiline, "", good[2]]) + "\n")
    frame = read_cohort_csv(path)
    assert frame.loc[2, "notes"] == "line one\nline two, with a comma"
    # The blank line is a row of the spreadsheet too: good two is row 4.
    assert frame.index.tolist() == [2, 4]


def test_unterminated_quote_is_refused_naming_the_line(tmp_path: Path) -> None:
    good = (CORPUS / "cohorts_bom.csv").read_text(encoding="utf-8-sig").splitlines()
    path = tmp_path / "quote.csv"
    path.write_text("\n".join([*good, 'open,"never closed']) + "\n")
    with pytest.raises(CohortCsvError, match="line 4: not valid CSV"):
        read_cohort_csv(path)


def _with_notes(tmp_path: Path, notes: str) -> Path:
    """cohorts_bom.csv with the first row's notes replaced by ``notes`` (quoted)."""
    good = (CORPUS / "cohorts_bom.csv").read_text(encoding="utf-8-sig").splitlines()
    assert "fictional test row" in good[1]
    path = tmp_path / "long_cell.csv"
    path.write_text("\n".join([good[0], good[1].replace("fictional test row", notes), good[2]]))
    return path


def test_a_cell_longer_than_the_csv_default_limit_is_read_whole(tmp_path: Path) -> None:
    notes = "a long verification note, " * 10_000  # 260,000 characters
    assert len(notes) > 131_072  # Python's csv field limit by default
    frame = read_cohort_csv(_with_notes(tmp_path, f'"{notes}"'))
    assert frame.loc[2, "notes"] == notes.strip()
    assert frame["cohort_name"].tolist() == ["good one", "good two"]


def test_a_cell_of_exactly_the_bound_is_read_and_one_more_character_is_refused(
    tmp_path: Path,
) -> None:
    assert MAX_CELL_CHARS == MAX_FILE_BYTES // 16 == 16_000_000
    at_bound = read_cohort_csv(_with_notes(tmp_path, "x" * MAX_CELL_CHARS))
    assert len(at_bound.loc[2, "notes"]) == MAX_CELL_CHARS
    path = _with_notes(tmp_path, "x" * (MAX_CELL_CHARS + 1))
    with pytest.raises(CohortCsvError) as raised:
        read_cohort_csv(path)
    assert str(raised.value).startswith(
        f"{path}: line 2: a cell longer than 16,000,000 characters, the most one cell may hold"
    )


def test_a_quote_left_open_is_refused_at_its_line_once_it_runs_past_the_bound(
    tmp_path: Path,
) -> None:
    good = (CORPUS / "cohorts_bom.csv").read_text(encoding="utf-8-sig").splitlines()
    filler = good[2] + "\n"
    rows = [good[0], good[1], good[1].replace("fictional test row", '"left open')]
    path = tmp_path / "open_quote.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("\n".join(rows) + "\n")
        fh.write(filler * (MAX_CELL_CHARS // len(filler) + 1))
    with pytest.raises(CohortCsvError, match=r": line 3: a cell longer than 16,000,000"):
        read_cohort_csv(path)


def test_a_file_above_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as fh:  # sparse: no disk is written
        fh.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(CohortCsvError) as raised:
        read_cohort_csv(path)
    assert str(raised.value) == (
        f"{path}: 256,000,001 bytes, more than the 256,000,000 a cohort CSV may hold; "
        "nothing is read"
    )


def test_the_csv_field_limit_is_restored_after_a_read(tmp_path: Path) -> None:
    before = csv.field_size_limit()
    read_cohort_csv(_with_notes(tmp_path, "short"))
    with pytest.raises(CohortCsvError):
        read_cohort_csv(_with_notes(tmp_path, "x" * (MAX_CELL_CHARS + 1)))
    assert csv.field_size_limit() == before
