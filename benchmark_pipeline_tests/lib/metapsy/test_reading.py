"""Reading a Metapsy snapshot by column name and decoding its rows into the typed contract."""

import json
from pathlib import Path

import pandas as pd
import pytest

from benchmark_pipeline.lib.metapsy.contract import REQUIRED_CSV_COLUMNS, TABLE_COLUMNS
from benchmark_pipeline.lib.metapsy.reading import read_dataset_csv
from benchmark_pipeline.lib.metapsy.snapshot import MetapsyFileError, read_snapshot
from benchmark_pipeline.lib.metapsy.validation import DatasetValidation, validate_dataset
from benchmark_pipeline_tests.lib.metapsy.snapshots import (
    PINNED,
    columns_reversed,
    copy_snapshot,
    set_cell,
)

GOODWIN = "Goodwin2022_imsd_madrs_Week3_3.00_clinician_psil_psil_25mg_1mg"
BACK_PRE = "Back2024_msd_madrs_Day-8_-1.14_clinician_psil_ncn_NA_NA"


def _read(folder: Path) -> DatasetValidation:
    snapshot = read_snapshot(folder)
    return validate_dataset(snapshot, read_dataset_csv(snapshot.data_csv))


@pytest.mark.parametrize(("dataset", "rows"), [("depression-psiloctr", 220), ("ptsd-mdmactr", 61)])
def test_every_row_of_the_pinned_snapshots_decodes(dataset: str, rows: int) -> None:
    result = _read(PINNED / dataset)
    assert (len(result.valid), result.rejections) == (rows, [])
    assert list(result.valid.columns) == TABLE_COLUMNS
    assert result.valid["row_id"].is_unique
    assert set(result.valid["dataset"]) == {dataset}
    assert set(result.valid["release"]) == {result.snapshot.release}


def test_decimal_commas_na_and_flags_become_typed_values() -> None:
    valid = _read(PINNED / "depression-psiloctr").valid.set_index("row_id")
    row = valid.loc[BACK_PRE]
    # data.csv: 15;27,670;5,27000000000000;15;28,400;...;-1,14;-8,000;0;NA
    assert (row["n_arm1"], row["mean_arm1"], row["sd_arm1"]) == (15, 27.67, 5.27)
    assert (row["time_weeks"], row["time_days"]) == (-1.14, -8.0)
    assert row["primary_timepoint"] is False or row["primary_timepoint"] == False  # noqa: E712
    assert row["primary_instrument"] == True  # noqa: E712
    assert pd.isna(row["post_crossover"]) and pd.isna(row["multi_arm1"])
    assert pd.isna(row["log_rr"]) and pd.isna(row["n_change_arm1"])
    assert row["hedges_g"] == pytest.approx(-0.11066608890309594)
    assert row["nct_id"] == "NCT05163496" and row["rob_overall"] == "Low"
    assert str(valid["n_arm1"].dtype) == "Int64" and str(valid["hedges_g"].dtype) == "Float64"
    goodwin = valid.loc[GOODWIN]
    assert (goodwin["multi_arm1"], goodwin["multi_arm2"]) == ("25 mg", "1 mg")
    actrn = valid[valid["registration_number"].str.startswith("ACTRN")]
    assert len(actrn) and actrn["nct_id"].isna().all()


def test_columns_are_read_by_name_whatever_their_order(tmp_path: Path) -> None:
    reordered = copy_snapshot(tmp_path, "ptsd-mdmactr", edit_table=columns_reversed)
    header = (reordered / "data.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith(".totaln_arm2;")
    pd.testing.assert_frame_equal(
        _read(reordered).valid, _read(PINNED / "ptsd-mdmactr").valid, check_exact=True
    )


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("n_arm1", "-3", "n_arm1 '-3': Input should be greater than 0"),
        ("sd_arm1", "0", "sd_arm1 '0': Input should be greater than 0"),
        ("mean_arm1", "twelve", "mean_arm1 'twelve': Input should be a valid number"),
        ("mean_arm1", "12.5", "mean_arm1 '12.5': a decimal point; Metapsy files write decimals"),
        ("n_arm1", "3000000000", "n_arm1 '3000000000': Input should be less than or equal to"),
        ("outcome_type", "endpoint", "outcome_type 'endpoint': Input should be 'msd', 'imsd'"),
        ("primary_instrument", "yes", "primary_instrument 'yes': Value error, expected 0 or 1"),
        ("study", "Goodwin\x00 2022", "study 'Goodwin\\x00 2022': Value error, contains a NUL"),
        ("n_arm2", "NA", "n_arm2 NA: required for outcome_type imsd"),
        ("d2", "Medium", "d2 'Medium': Input should be 'Low', 'Some concerns' or 'High'"),
    ],
)
def test_one_bad_row_is_left_out_with_its_row_id_field_and_reason(
    tmp_path: Path, column: str, value: str, reason: str
) -> None:
    folder = copy_snapshot(
        tmp_path, "depression-psiloctr", edit_table=set_cell(GOODWIN, column, value)
    )
    result = _read(folder)
    assert len(result.valid) == 219
    assert GOODWIN not in set(result.valid["row_id"])
    (rejection,) = result.rejections
    assert rejection.row_id == GOODWIN and rejection.study.startswith("Goodwin")
    assert column in [p.field for p in rejection.problems]
    assert reason in rejection.reasons, rejection.reasons
    # The file line of the row, counting the header as line 1.
    lines = (folder / "data.csv").read_text(encoding="utf-8").splitlines()
    assert GOODWIN in lines[rejection.line - 1]


def test_events_above_their_total_and_a_repeated_row_id_are_rejected(tmp_path: Path) -> None:
    response = "Mitchell2021_response_caps-5_Week18_18.00_clinician_mdma_pcb_NA_NA"
    msd = "Mitchell2021_msd_caps-5_Week18_18.00_clinician_mdma_pcb_NA_NA"
    folder = copy_snapshot(
        tmp_path,
        "ptsd-mdmactr",
        edit_table=lambda h, rows: set_cell(msd, ".id", response)(
            *set_cell(response, "event_arm1", "99")(h, rows)
        ),
    )
    result = _read(folder)
    reasons = {r.row_id: r.reasons for r in result.rejections}
    assert len(result.valid) == 59 and len(reasons) == 1  # both copies of the id
    assert "event_arm1 '99': exceeds totaln_arm1 42" in reasons[response]
    assert ".id" in reasons[response] and "not unique (lines" in reasons[response]


def _write(folder: Path, text: str | bytes) -> Path:
    path = folder / "data.csv"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_a_malformed_file_fails_naming_it(tmp_path: Path) -> None:
    header, width = ";".join(REQUIRED_CSV_COLUMNS), len(REQUIRED_CSV_COLUMNS)
    cases = {
        "comma.csv": (",".join(REQUIRED_CSV_COLUMNS), "not a Metapsy CSV: the header has no ';'"),
        "missing.csv": (header.replace(";.g_se", ""), "missing column(s): .g_se"),
        "repeated.csv": (header + ";study", "repeated column(s): study"),
        "ragged.csv": (header + "\n" + "x;" * 3, f"line 2 has 4 fields, the header {width}"),
        "latin1.csv": (b"study;" + "Gr\xf6b".encode("latin-1"), "not UTF-8: byte 0xf6 at line 1"),
    }
    for name, (text, message) in cases.items():
        path = tmp_path / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        with pytest.raises(MetapsyFileError) as failure:
            read_dataset_csv(path)
        assert str(path) in str(failure.value) and message in str(failure.value), name
    with pytest.raises(MetapsyFileError, match="absent.csv: not found"):
        read_dataset_csv(tmp_path / "absent.csv")


def test_a_snapshot_without_a_valid_release_record_fails_naming_it(tmp_path: Path) -> None:
    folder = copy_snapshot(tmp_path, "ptsd-mdmactr")
    record = tmp_path / "ptsd-mdmactr.release.json"
    record.write_text(json.dumps({"dataset": "depression-psiloctr"}), encoding="utf-8")
    with pytest.raises(MetapsyFileError, match="(?s)ptsd-mdmactr.release.json: .*release"):
        read_snapshot(folder)
    other = copy_snapshot(
        tmp_path / "x", "ptsd-mdmactr", edit_record=lambda r: r | {"dataset": "ptsd-other"}
    )
    with pytest.raises(MetapsyFileError, match="names dataset 'ptsd-other', but .*shorthand.txt"):
        read_snapshot(other)
    record.unlink()
    with pytest.raises(MetapsyFileError, match="ptsd-mdmactr.release.json: not found"):
        read_snapshot(folder)
    with pytest.raises(MetapsyFileError, match="snapshot folder not found"):
        read_snapshot(tmp_path / "nowhere")
