"""The pooled primary models as benchmark_cohorts rows, through the cohort CSV's own rules."""

import pandas as pd
import pytest

from benchmark_pipeline.constants import DATA_DIR
from benchmark_pipeline.lib.cohorts.contract import COLUMNS
from benchmark_pipeline.lib.cohorts.csv_file import read_cohort_csv
from benchmark_pipeline.lib.cohorts.validation import validate_cohorts
from benchmark_pipeline.lib.metapsy.cohort_rows import (
    COHORT_LABELS,
    cohort_csv_text,
    pooled_cohort_rows,
)
from benchmark_pipeline.lib.metapsy.pooled import PooledDataset, pool_dataset
from benchmark_pipeline.lib.metapsy.reading import read_dataset_csv
from benchmark_pipeline.lib.metapsy.snapshot import read_snapshot
from benchmark_pipeline.lib.metapsy.validation import validate_dataset
from benchmark_pipeline_tests.lib.metapsy.snapshots import DATASETS, PINNED, copy_snapshot

PSILODEP = COHORT_LABELS["depression-psiloctr"].cohort_name
MDMAPTSD = COHORT_LABELS["ptsd-mdmactr"].cohort_name


def _pooled(folder) -> PooledDataset:
    snapshot = read_snapshot(folder)
    return pool_dataset(validate_dataset(snapshot, read_dataset_csv(snapshot.data_csv)))


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    return pooled_cohort_rows([_pooled(PINNED / d) for d in DATASETS])


def test_rows_have_exactly_the_cohort_columns_and_pass_its_validation(rows) -> None:
    assert list(rows.columns) == COLUMNS
    result = validate_cohorts(cohort_csv_text(rows))
    assert result.rejections == []
    valid = result.valid.set_index("cohort_name")
    assert list(valid.index) == [PSILODEP, MDMAPTSD]
    assert valid.loc[PSILODEP, "n_participants"] == 585
    assert valid.loc[MDMAPTSD, "n_participants"] == 242
    assert valid.loc[PSILODEP, "effect_size_hedges_g"] == -0.9031
    assert valid.loc[MDMAPTSD, "effect_size_hedges_g"] == -0.7119
    assert set(valid["setting"]) == {"meta_analysis"}
    assert set(valid["effect_size_kind"]) == {"hedges_g"}
    assert set(valid["instrument"]) == {"mixed"}  # CAPS-5 with CAPS-IV; MADRS with others
    assert (valid.loc[PSILODEP, "condition"], valid.loc[MDMAPTSD, "condition"]) == (
        "depressive symptoms",
        "PTSD",
    )
    assert valid["data_freely_usable"].all()
    assert valid["license"].str.startswith("ODC-By 1.0").all()


def test_citation_names_dataset_release_and_doi_and_notes_the_included_studies(rows) -> None:
    row = rows.set_index("cohort_name").loc[PSILODEP]
    assert row["doi"] == "10.5281/zenodo.15714852"
    for part in ("depression-psiloctr", "release 25.1.2", "doi:10.5281/zenodo.15714852"):
        assert part in row["source_citation"]
    assert "S. Parker Singleton" in row["source_citation"]
    assert "[-1.2561; -0.5501]" in row["effect_size_detail"]
    assert "tau2 = 0.1174" in row["effect_size_detail"]
    assert "I2 = 53.9%" in row["effect_size_detail"] and "k = 12" in row["effect_size_detail"]
    assert row["notes"].startswith("Included studies (k = 12;")
    assert "Goodwin 2022 -0.71 [-1.03; -0.39] 13.7%" in row["notes"]
    mdma = rows.set_index("cohort_name").loc[MDMAPTSD]
    assert "release 26.0.1" in mdma["source_citation"] and mdma["doi"] == "10.5281/zenodo.18740439"


def test_rows_join_the_cohort_csv_once_its_hand_entered_metapsy_row_is_gone(rows) -> None:
    seed = read_cohort_csv(DATA_DIR / "benchmark_cohorts_seed.csv")
    seed = seed[~seed["cohort_name"].isin([PSILODEP, MDMAPTSD])]
    result = validate_cohorts(pd.concat([seed, cohort_csv_text(rows)], ignore_index=True))
    assert {PSILODEP, MDMAPTSD} <= set(result.valid["cohort_name"])


def test_a_release_without_a_dataset_doi_is_left_for_validation_to_reject(tmp_path) -> None:
    folder = copy_snapshot(
        tmp_path, "ptsd-mdmactr", edit_record=lambda r: r | {"dataset_doi": None}
    )
    text = cohort_csv_text(pooled_cohort_rows([_pooled(folder)]))
    assert text.loc[0, "doi"] == ""
    (rejection,) = validate_cohorts(text).rejections
    assert "doi is empty" in rejection.reasons
