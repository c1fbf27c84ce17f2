"""What the baselines assets show in the Dagster UI: table schemas, files read, invalid values,
previews."""

import dagster as dg

from benchmark_pipeline.defs.metadata import frame_records, inline_table
from benchmark_pipeline.lib.baselines.aggregate import BaselineAggregate
from benchmark_pipeline.lib.baselines.groups import ALL, NATIONAL
from benchmark_pipeline.lib.baselines.reading import FileRead, InvalidValue

_TABLE_DOCS = {
    "id": ("uuid", "Surrogate key."),
    "source": ("text", "Recommended citation of the TEDS-D file (SAMHSA) and year."),
    "year": ("integer", "Year of discharge (DISYR)."),
    "region": ("text", "National (all discharges, U.S. territories included) or a census region."),
    "substance_group": ("text", "Primary-substance (SUB1) group; part of the natural key."),
    "substance": ("text", "Label of the substance group, naming its SUB1 codes."),
    "condition": ("text", "Substance use treatment (every TEDS-D discharge)."),
    "demographic_group": ("text", "all, female, male, or an age band (age 12-14 ... age 65+)."),
    "n_episodes": ("integer", "Discharges in the group (not people)."),
    "n_female": ("integer", "Discharges with sex 2 (female)."),
    "n_male": ("integer", "Discharges with sex 1 (male)."),
    "pct_female": ("numeric", "n_female / (n_female + n_male) x 100; unknown sex left out."),
    "n_completed": ("integer", "Discharges with REASON 1, treatment completed."),
    "pct_completed_treatment": ("numeric", "n_completed / n_episodes x 100."),
    "n_prior_known": ("integer", "Discharges with NOPRIOR 0 or 1 (not missing)."),
    "n_with_prior_treatment": ("integer", "Discharges with NOPRIOR 1: one or more prior episodes."),
    "pct_with_prior_treatment": ("numeric", "n_with_prior_treatment / n_prior_known x 100."),
    "n_los_known": ("integer", "Discharges with a known length of stay."),
    "median_los_days": ("integer", "Median length of stay in days when it is 1-30, else NULL."),
    "median_los_range": ("text", "The LOS range holding the median when it is beyond 30 days."),
    "n_age_known": ("integer", "Discharges with a known age band."),
    "median_age_group": ("text", "Age band holding the median age at admission."),
    "avg_age": ("numeric", "Always NULL: AGE is banded; a mean needs invented midpoints."),
    "avg_prior_treatments": ("numeric", "Always NULL: NOPRIOR is only none / one or more."),
    "avg_los_days": ("numeric", "Always NULL: LOS beyond 30 days is ranges, no day counts."),
    "created_at": ("timestamptz", "When the row was first loaded."),
    "updated_at": ("timestamptz", "When this row's content last changed."),
}
_FRAME_DOCS = {
    "year": ("smallint", "DISYR, year of discharge."),
    "age": ("tinyint", "AGE band code, 1 (12-14) ... 12 (65 and older)."),
    "sex": ("tinyint", "GENDER (SEX from 2023): 1 male, 2 female, -9 missing."),
    "region": ("tinyint", "REGION: 0 U.S. territories, 1 Northeast, 2 Midwest, 3 South, 4 West."),
    "sub1": ("tinyint", "SUB1, primary substance at admission: 1-19, -9 missing."),
    "noprior": ("tinyint", "NOPRIOR: 0 none, 1 one or more prior treatment episodes, -9 missing."),
    "los": ("tinyint", "LOS: 1-30 days, 31-37 ranges, -9 missing."),
    "reason": ("tinyint", "REASON for discharge: 1 treatment completed ... 7 other."),
}
PREVIEW_COLUMNS = [
    "year",
    "region",
    "substance_group",
    "n_episodes",
    "pct_female",
    "pct_completed_treatment",
    "pct_with_prior_treatment",
    "median_los_days",
    "median_los_range",
    "median_age_group",
]


def _schema(docs: dict[str, tuple[str, str]]) -> dg.TableSchema:
    return dg.TableSchema(
        columns=[dg.TableColumn(n, t, description=d) for n, (t, d) in docs.items()]
    )


def table_schema() -> dg.TableSchema:
    return _schema(_TABLE_DOCS)


def discharges_schema() -> dg.TableSchema:
    return _schema(_FRAME_DOCS)


def files_table(files: tuple[FileRead, ...]) -> dg.MetadataValue | None:
    rows = [
        [
            f.source,
            f.member or "",
            f.encoding,
            repr(f.delimiter),
            f.sex_column,
            ", ".join(f.labelled_variables) or "none (codes)",
            f.rows_read,
            f.rows_valid,
            ", ".join(map(str, f.years)),
        ]
        for f in files
    ]
    columns = ["file", "member", "encoding", "delimiter", "sex column", "text labels", "rows",
               "valid", "years"]  # fmt: skip
    return inline_table(columns, rows)


def invalid_table(invalid: tuple[InvalidValue, ...]) -> dg.MetadataValue | None:
    rows = [
        [
            i.file,
            i.variable,
            i.column,
            "(empty)" if i.value is None else i.value,
            i.rows,
            i.example_case_id or "",
        ]  # fmt: skip
        for i in invalid
    ]
    columns = ["file", "variable", "column", "value", "rows", "e.g. CASEID"]
    return inline_table(columns, rows)


def invalid_json(invalid: tuple[InvalidValue, ...]) -> list[dict]:
    return [
        {
            "file": i.file,
            "variable": i.variable,
            "column": i.column,
            "value": i.value,
            "rows": i.rows,
            "example_case_id": i.example_case_id,
        }  # fmt: skip
        for i in invalid
    ]


def national_preview(result: BaselineAggregate) -> dg.MetadataValue | None:
    """Every substance group of every year, nationally, all demographics, inline."""
    groups = result.groups
    national = groups[(groups["region"] == NATIONAL) & (groups["demographic_group"] == ALL)]
    return frame_records(national, PREVIEW_COLUMNS, len(national))


def remainders_table(result: BaselineAggregate) -> dg.MetadataValue | None:
    """The discharges counted in a parent row but in none of its children's rows."""
    r = result.remainders
    top = r[(r["substance_group"] == "all")]
    rows = [
        [int(y), reg, demo, int(n)]
        for y, reg, demo, n in top[
            ["year", "region", "demographic_group", "n_episodes"]
        ].itertuples(index=False)
    ]
    return inline_table(["year", "region", "demographic group", "discharges"], rows)
