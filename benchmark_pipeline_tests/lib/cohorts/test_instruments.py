"""The instruments file: typed reading, row rejections with every reason, whole-file failures, and
the cohort vocabulary's ranges coming from it."""

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from benchmark_pipeline.lib.cohorts import vocabulary
from benchmark_pipeline.lib.cohorts.contract import COLUMNS as COHORT_COLUMNS
from benchmark_pipeline.lib.cohorts.instruments import (
    COLUMNS,
    INSTRUMENTS_CSV,
    NO_SCALE,
    InstrumentCsvError,
    read_instruments,
)
from benchmark_pipeline.lib.cohorts.validation import validate_cohorts

SHIPPED = ["CAPS-5", "MADRS", "PHQ-9", "QIDS-SR-16", "GRID-HAMD-17", "IES-R", "PHDD-TLFB"]
LOWE_2004 = "10.1097/00005650-200412000-00006"


def _row(**values: str) -> dict[str, str]:
    row = dict.fromkeys(COLUMNS, "")
    row.update(name="TEST-1", full_name="A test scale", score_min="0", score_max="10")
    row.update(lower_is_better="true")
    row.update(values)
    return row


def _write(path: Path, rows: list[dict[str, str]], header: list[str] = COLUMNS) -> Path:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_the_shipped_file_holds_every_cohort_instrument_and_one_verified_band():
    shipped = read_instruments()
    assert shipped.rejections == ()
    assert [i.name for i in shipped.instruments] == SHIPPED
    assert all(i.lower_is_better for i in shipped.instruments)
    banded = [i for i in shipped.instruments if i.similar_band is not None]
    assert [(i.name, i.similar_band, i.band_doi) for i in banded] == [("PHQ-9", 5.0, LOWE_2004)]
    assert "Löwe" in banded[0].band_source and banded[0].band_kind
    # Every empty band says why, in notes.
    assert all(i.notes for i in shipped.instruments)


def test_the_cohort_vocabulary_takes_its_ranges_from_the_file():
    shipped = read_instruments()
    expected = {i.name: (i.score_min, i.score_max) for i in shipped.instruments}
    ranges = vocabulary.INSTRUMENT_RANGES
    assert {n: (r.low, r.high) for n, r in ranges.items() if r is not None} == expected
    assert [n for n, r in ranges.items() if r is None] == [NO_SCALE]
    assert vocabulary.INSTRUMENTS == {*expected, NO_SCALE}


def test_a_cohort_mean_outside_the_files_range_is_rejected():
    raw = dict.fromkeys(COHORT_COLUMNS, "")
    raw.update(
        cohort_name="C",
        source_citation="X. doi:10.1000/x",
        doi="10.1000/x",
        modality="psilocybin",
        condition="MDD",
        setting="clinical_trial",
        n_participants="10",
        instrument="PHQ-9",
        baseline_mean="28",
    )
    result = validate_cohorts(pd.DataFrame([raw], index=pd.Index([2], name="row"), dtype=str))
    assert result.rejections[0].reasons == ("baseline_mean 28 is outside the PHQ-9 range 0-27",)


@pytest.mark.parametrize(
    ("values", "reasons"),
    [
        ({"score_min": "ten"}, ["score_min 'ten': Expected `float`, got `str`"]),
        ({"score_max": "inf"}, ["score_max 'inf' is not a finite number"]),
        ({"score_min": "10", "score_max": "10"}, ["score_min 10 is not below score_max 10"]),
        ({"lower_is_better": "yes"}, ["lower_is_better 'yes' is not true or false"]),
        ({"lower_is_better": ""}, ["lower_is_better is empty (required)"]),
        ({"full_name": ""}, ["full_name is empty (required)"]),
        (
            {"similar_band": "2"},
            [
                "band_kind is empty: a band needs its source",
                "band_source is empty: a band needs its source",
                "band_doi is empty: a band needs its source",
            ],
        ),
        ({"band_source": "Someone 2020"}, ["band_source given without a similar_band"]),
        (
            {"similar_band": "0", "band_kind": "k", "band_source": "s", "band_doi": "10.1000/x"},
            ["similar_band '0': Expected `float` > 0.0"],
        ),
        (
            {"similar_band": "11", "band_kind": "k", "band_source": "s", "band_doi": "10.1000/x"},
            ["similar_band 11 is wider than the range 0-10"],
        ),
        (
            {"similar_band": "2", "band_kind": "k", "band_source": "s", "band_doi": "doi:x"},
            ["band_doi 'doi:x' is not a valid DOI (10.<registrant>/...)"],
        ),
        ({"name": "mixed"}, ["'mixed' is the cohort instrument without a scale; it has no row"]),
        ({"notes": "a\x00b"}, ["notes contains a NUL character at position 1"]),
    ],
)
def test_a_row_that_breaks_a_rule_is_left_out_with_every_reason(tmp_path, values, reasons):
    path = _write(tmp_path / "i.csv", [_row(name="GOOD"), _row(**values)])
    read = read_instruments(path)
    assert [i.name for i in read.instruments] == ["GOOD"]
    (rejection,) = read.rejections
    assert rejection.row == 3
    assert list(rejection.reasons) == reasons


def test_a_repeated_name_rejects_every_row_of_it(tmp_path):
    path = _write(tmp_path / "i.csv", [_row(name="A"), _row(name="B"), _row(name="A")])
    read = read_instruments(path)
    assert [i.name for i in read.instruments] == ["B"]
    assert [(r.row, r.reasons) for r in read.rejections] == [
        (2, ("name is not unique (rows 2, 4)",)),
        (4, ("name is not unique (rows 2, 4)",)),
    ]


def test_a_valid_band_is_typed(tmp_path):
    band = {"similar_band": "2.5", "band_kind": "k", "band_source": "s", "band_doi": "10.1000/x"}
    path = _write(tmp_path / "i.csv", [_row(**band, lower_is_better="FALSE")])
    (instrument,) = read_instruments(path).instruments
    assert (instrument.similar_band, instrument.lower_is_better) == (2.5, False)
    assert (instrument.score_min, instrument.score_max, instrument.notes) == (0.0, 10.0, None)


def test_whole_file_failures_name_the_file(tmp_path):
    with pytest.raises(InstrumentCsvError, match="instrument CSV not found: .*absent.csv"):
        read_instruments(tmp_path / "absent.csv")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(INSTRUMENTS_CSV.read_bytes().replace("Å".encode(), b"\xc5"))
    with pytest.raises(InstrumentCsvError, match=r"latin.csv: not UTF-8 text: byte 0xC5 .*line 3"):
        read_instruments(latin)
    short = _write(tmp_path / "short.csv", [_row()], header=COLUMNS[:-1])
    with pytest.raises(InstrumentCsvError, match="short.csv: missing column.s.: notes"):
        read_instruments(short)
    extra = _write(tmp_path / "extra.csv", [_row()], header=[*COLUMNS, "unit"])
    with pytest.raises(InstrumentCsvError, match="unknown column.s.: 'unit'"):
        read_instruments(extra)
    ragged = tmp_path / "ragged.csv"
    ragged.write_text(",".join(COLUMNS) + "\nA,B,0,1\n", encoding="utf-8")
    with pytest.raises(InstrumentCsvError, match="row 2 does not have the header's 10 fields"):
        read_instruments(ragged)
    header_only = _write(tmp_path / "header.csv", [])
    with pytest.raises(InstrumentCsvError, match="no instrument row follows it"):
        read_instruments(header_only)
    empty = tmp_path / "empty.csv"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(InstrumentCsvError, match="empty.csv: the file is empty"):
        read_instruments(empty)
