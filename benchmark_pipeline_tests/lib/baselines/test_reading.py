"""Reading synthetic TEDS-D files: numeric codes, 2021-style text labels in latin-1, zips,
folders, invalid codes counted per variable and value, malformed files refused."""

from pathlib import Path

import pandas as pd
import pytest

from benchmark_pipeline.lib.baselines.reading import read_discharges
from benchmark_pipeline.lib.baselines.source import TedsFileError
from benchmark_pipeline_tests.support import teds

ROWS = 3_000
TRUTH_COLUMNS = {
    "DISYR": "year",
    "AGE": "age",
    "GENDER": "sex",
    "REGION": "region",
    "SUB1": "sub1",
    "NOPRIOR": "noprior",
    "LOS": "los",
    "REASON": "reason",
}


def _codes(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows as a sorted frame of codes, to compare regardless of row order."""
    codes = frame.rename(columns=TRUTH_COLUMNS)[list(TRUTH_COLUMNS.values())].astype("int64")
    return codes.sort_values(list(codes.columns)).reset_index(drop=True)


@pytest.fixture(scope="module")
def truth() -> pd.DataFrame:
    return teds.generate(ROWS, year=2019, seed=7)


def test_a_numeric_csv_gives_every_discharge_with_its_codes(truth, tmp_path):
    result = read_discharges(str(teds.write_csv(truth, tmp_path / "tedsd_puf_2019.csv")))
    pd.testing.assert_frame_equal(_codes(result.discharges), _codes(truth))
    (read,) = result.files
    assert (read.encoding, read.delimiter, read.sex_column) == ("utf-8", ",", "GENDER")
    assert read.labelled_variables == ()
    assert (read.rows_read, read.rows_valid, read.years) == (ROWS, ROWS, (2019,))
    assert result.invalid == () and result.rows_invalid == 0
    assert (result.discharges[["sex", "sub1", "noprior", "los"]] == -9).any().all()
    assert result.discharges["sub1"].dtype == "int8" and result.discharges["year"].dtype == "int16"


def test_a_2021_style_file_of_latin1_text_labels_gives_the_same_codes(truth, tmp_path):
    path = teds.write_csv(
        truth, tmp_path / "tedsd_puf_2021.tsv", delimiter="\t", encoding="latin-1", labels=True
    )
    assert b"Ca\xf1on" in path.read_bytes()  # a latin-1 byte that is not valid UTF-8
    result = read_discharges(str(path))
    pd.testing.assert_frame_equal(_codes(result.discharges), _codes(truth))
    (read,) = result.files
    assert (read.encoding, read.delimiter) == ("latin-1", "\t")
    assert set(read.labelled_variables) == {"AGE", "SEX", "REGION", "SUB1", "NOPRIOR", "LOS",
                                            "REASON"}  # fmt: skip


def test_sex_may_be_named_sex_as_in_2023_but_not_both(truth, tmp_path):
    result = read_discharges(str(teds.write_csv(truth, tmp_path / "s.csv", sex_column="SEX")))
    assert result.files[0].sex_column == "SEX"
    pd.testing.assert_frame_equal(_codes(result.discharges), _codes(truth))
    both = truth.assign(SEX=truth["GENDER"])
    with pytest.raises(TedsFileError, match="exactly one of the columns GENDER, SEX"):
        read_discharges(str(teds.write_csv(both, tmp_path / "both.csv")))


def test_invalid_codes_are_counted_per_variable_and_value_and_left_out(truth, tmp_path):
    overrides = {
        (3, "SUB1"): "42",
        (8, "SUB1"): "42",
        (8, "REGION"): "9",  # same row as a bad SUB1: the row counts once
        (13, "AGE"): "",
        (21, "GENDER"): "Unknown",
        (34, "DISYR"): "2014",
        (55, "LOS"): "0",
    }
    path = teds.write_csv(truth, tmp_path / "bad.csv", overrides=overrides)
    result = read_discharges(str(path))
    found = {(i.variable, i.value): i.rows for i in result.invalid}
    assert found == {
        ("SUB1", "42"): 2,
        ("REGION", "9"): 1,
        ("AGE", None): 1,
        ("SEX", "Unknown"): 1,
        ("DISYR", "2014"): 1,
        ("LOS", "0"): 1,
    }
    bad_rows = sorted({row for row, _ in overrides})
    assert result.rows_invalid == len(bad_rows) == 6
    assert len(result.discharges) == ROWS - 6
    pd.testing.assert_frame_equal(_codes(result.discharges), _codes(truth.drop(index=bad_rows)))
    examples = {i.variable: i.example_case_id for i in result.invalid}
    assert examples["AGE"] == str(truth.loc[13, "CASEID"])
    assert all(i.file == str(path) for i in result.invalid)


def test_the_zip_as_downloaded_reads_like_the_csv_inside(truth, tmp_path):
    data = teds.write_csv(truth, tmp_path / "tedsd_puf_2019.csv")
    bundle = teds.write_zip(data, tmp_path / "TEDS-D-2019.zip", extra=[("codebook.pdf", b"%PDF")])
    result = read_discharges(str(bundle))
    assert result.files[0].member == "tedsd_puf_2019.csv"
    assert result.files[0].source == str(bundle)
    pd.testing.assert_frame_equal(_codes(result.discharges), _codes(truth))


def test_a_ragged_row_fails_the_file_naming_it(truth, tmp_path):
    path = teds.write_csv(truth.head(50), tmp_path / "ragged.csv")
    lines = path.read_text().splitlines()
    lines[20] = lines[20].rsplit(",", 3)[0]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(TedsFileError, match=r"ragged\.csv: not readable as CSV"):
        read_discharges(str(path))


def test_a_folder_reads_one_file_per_year_and_refuses_a_year_twice(tmp_path):
    folder = tmp_path / "teds"
    folder.mkdir()
    first = teds.generate(500, year=2019, seed=1)
    second = teds.generate(700, year=2020, seed=2)
    teds.write_zip(teds.write_csv(first, tmp_path / "a.csv"), folder / "a.zip")
    teds.write_csv(second, folder / "b.csv")
    result = read_discharges(str(folder))
    assert result.years == (2019, 2020) and len(result.files) == 2
    pd.testing.assert_frame_equal(
        _codes(result.discharges), _codes(pd.concat([first, second], ignore_index=True))
    )
    teds.write_csv(first, folder / "c.csv")
    with pytest.raises(TedsFileError, match=r"both hold discharges of \[2019\]"):
        read_discharges(str(folder))


def test_not_a_teds_file_fails_naming_it(tmp_path):
    other = tmp_path / "trials.csv"
    other.write_text("nct_id,title\nNCT00000001,x\n")
    with pytest.raises(TedsFileError, match="trials.csv: not a TEDS-D discharges file"):
        read_discharges(str(other))
    with pytest.raises(TedsFileError, match="no such file"):
        read_discharges(str(Path(tmp_path / "absent.zip")))
