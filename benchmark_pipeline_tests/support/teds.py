"""Synthetic TEDS-D public-use files, laid out as SAMHSA's codebook describes them.

The 76 columns are those of the 2019 codebook, in the order of its variable descriptions; the
variables the baselines read carry valid codes drawn at random (including -9 where the codebook
allows it), every other column a small filler code. ``generate`` returns the codes as a frame,
the truth the tests compute their expectations from; ``write_csv`` writes them as SAMHSA does
(numeric codes) or as the 2021 file does (text labels), in UTF-8 or latin-1, with any delimiter;
``write_zip`` packs a file as the download does. ``with_marginals`` gives each variable exactly
the counts asked for (e.g. a year's published frequencies), in random order.
"""

import csv
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

COLUMNS = (
    "CASEID DISYR AGE GENDER RACE ETHNIC MARSTAT EDUC EMPLOY EMPLOY_D DETNLF DETNLF_D PREG VET "
    "LIVARAG LIVARAG_D PRIMINC ARRESTS ARRESTS_D STFIPS CBSA2010 REGION DIVISION SERVICES "
    "SERVICES_D METHUSE DAYWAIT REASON LOS PSOURCE DETCRIM NOPRIOR SUB1 SUB1_D ROUTE1 FREQ1 "
    "FREQ1_D FRSTUSE1 SUB2 SUB2_D ROUTE2 FREQ2 FREQ2_D FRSTUSE2 SUB3 SUB3_D ROUTE3 FREQ3 FREQ3_D "
    "FRSTUSE3 IDU ALCFLG COKEFLG MARFLG HERFLG METHFLG OPSYNFLG PCPFLG HALLFLG MTHAMFLG AMPHFLG "
    "STIMFLG BENZFLG TRNQFLG BARBFLG SEDHPFLG INHFLG OTCFLG OTHERFLG ALCDRUG DSMCRIT PSYPROB "
    "HLTHINS PRIMPAY FREQ_ATND_SELF_HELP FREQ_ATND_SELF_HELP_D"
).split()

MISSING = -9
MISSING_SHARE = 0.04
# Valid codes of the variables the baselines read (2015-onward coding).
CODES: dict[str, tuple[int, ...]] = {
    "AGE": tuple(range(1, 13)),
    "GENDER": (1, 2, -9),
    "REGION": (0, 1, 2, 3, 4),
    "SUB1": (*range(1, 20), -9),
    "NOPRIOR": (0, 1, -9),
    "LOS": (*range(1, 38), -9),
    "REASON": tuple(range(1, 8)),
}

# The primary-substance groups population_baselines is specified with, written out apart from the
# pipeline's own table so that tests check the pipeline against them.
SPECIFIED_SUBSTANCE_GROUPS: dict[str, set[int]] = {
    "alcohol": {2},
    "opioids": {5, 6, 7},
    "cocaine": {3},
    "stimulants": {10, 11, 12},
    "cannabis": {4},
    "hallucinogens": {9},
    "sedatives": {13, 14, 15, 16},
    "other": {8, 17, 18, 19},
    "none": {1},
    "unknown": {-9},
}

# How the 2021 file writes them: the 2021 codebook's labels as parsed in
# github.com/HI-OD2A-P2P/TEDS-Processing (TEDS-D/codebooks/merged_codes_result.csv, which
# title-cases them); "None" for SUB1 1 is the codebook's own word.
_MISSING = "Missing/Unknown/Not Collected/Invalid"
_AGES = "12-14 15-17 18-20 21-24 25-29 30-34 35-39 40-44 45-49 50-54 55-64".split()
_LOS_RANGES = "31 To 45|46 To 60|61 To 90|91 To 120|121 To 180|181 To 365".split("|")
LABELS_2021: dict[str, dict[int, str]] = {
    "AGE": {**{i + 1: f"{a} Years Old" for i, a in enumerate(_AGES)}, 12: "65 Years And Older"},
    "GENDER": {1: "Male", 2: "Female", -9: _MISSING},
    "REGION": {0: "U.S. Territories", 1: "Northeast", 2: "Midwest", 3: "South", 4: "West"},
    "SUB1": dict(
        zip(
            (*range(1, 20), -9),
            [
                "None",
                "Alcohol",
                "Cocaine/Crack",
                "Marijuana/Hashish",
                "Heroin",
                "Non-Prescription Methadone",
                "Other Opiates And Synthetics",
                "Pcp",
                "Hallucinogens",
                "Methamphetamine/Speed",
                "Other Amphetamines",
                "Other Stimulants",
                "Benzodiazepines",
                "Other Tranquilizers",
                "Barbiturates",
                "Other Sedatives Or Hypnotics",
                "Inhalants",
                "Over-The-Counter Medications",
                "Other Drugs",
                _MISSING,
            ],
            strict=True,
        )
    ),
    "NOPRIOR": {
        0: "No Prior Treatment Episode",
        1: "One Or More Prior Treatment Episodes",
        -9: _MISSING,
    },
    "LOS": {
        **{day: str(day) for day in range(1, 31)},
        **{31 + i: f"{r} Days" for i, r in enumerate(_LOS_RANGES)},
        37: "More Than A Year",
        -9: _MISSING,
    },
    "REASON": dict(
        zip(
            range(1, 8),
            (
                "Treatment Completed|Dropped Out Of Treatment|Terminated By Facility|"
                "Transferred To Another Treatment Program Or Facility|Incarcerated|Death|Other"
            ).split("|"),
            strict=True,
        )
    ),
}
# A latin-1 byte where a real file could have one: a CBSA name with an n-tilde.
FILLER_LABEL = "Ca\u00f1on City, CO Micro"


def generate(rows: int, *, year: int = 2019, seed: int = 0) -> pd.DataFrame:
    """``rows`` discharges of ``year`` with random valid codes (-9 in about 4% of the rows of a
    variable that allows it), as a frame of the 76 columns."""
    rng = np.random.default_rng(seed)
    frame = _base(rows, year)
    for name, codes in CODES.items():
        frame[name] = rng.choice(np.array(codes, dtype="int16"), size=rows, p=_weights(codes))
    return frame


def _weights(codes: Sequence[int]) -> list[float]:
    """Equal chances, except -9 (missing) at MISSING_SHARE."""
    if MISSING not in codes:
        return [1 / len(codes)] * len(codes)
    rest = (1 - MISSING_SHARE) / (len(codes) - 1)
    return [MISSING_SHARE if code == MISSING else rest for code in codes]


def with_marginals(
    marginals: Mapping[str, Mapping[int, int]], *, year: int, seed: int = 0
) -> pd.DataFrame:
    """A frame whose variables have exactly ``marginals`` (variable -> code -> rows; every
    variable the same total), each shuffled independently; LOS, when not given, at random."""
    totals = {sum(counts.values()) for counts in marginals.values()}
    if len(totals) != 1:
        raise ValueError(f"marginals disagree on the number of rows: {sorted(totals)}")
    rows = totals.pop()
    rng = np.random.default_rng(seed)
    frame = generate(rows, year=year, seed=seed)
    for name, counts in marginals.items():
        column = np.repeat(np.array(list(counts), dtype="int16"), list(counts.values()))
        frame[name] = rng.permutation(column)
    return frame


def _base(rows: int, year: int) -> pd.DataFrame:
    index = np.arange(rows, dtype="int64")
    frame = pd.DataFrame({"CASEID": index + 20_190_000_001, "DISYR": np.int16(year)})
    for i, name in enumerate(COLUMNS):
        if name not in frame:
            frame[name] = ((index * 7 + i) % 5 + 1).astype("int16")
    return frame[list(COLUMNS)]


def write_csv(
    frame: pd.DataFrame,
    path: Path,
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    labels: bool = False,
    sex_column: str = "GENDER",
    overrides: Mapping[tuple[int, str], str] | None = None,
) -> Path:
    """Write ``frame`` as a TEDS-D file. ``labels``: the 2021 style (text labels for the read
    variables, a filler text with a non-ASCII letter in CBSA2010); ``overrides``: (row, column)
    -> text written instead, e.g. an invalid code."""
    out = frame.rename(columns={"GENDER": sex_column})
    if not labels and not overrides and encoding == "utf-8":
        with duckdb.connect() as con:
            con.register("frame", out)
            con.execute("COPY frame TO ? (FORMAT csv, HEADER, DELIMITER ?)", [str(path), delimiter])
        return path
    text = out.astype(str)
    if labels:
        for name, mapping in LABELS_2021.items():
            column = sex_column if name == "GENDER" else name
            text[column] = out[column].map(mapping)
        text["CBSA2010"] = FILLER_LABEL
    for (row, column), value in (overrides or {}).items():
        text.loc[row, column] = value
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(text.columns)
        writer.writerows(text.itertuples(index=False))
    return path


def write_zip(data_file: Path, path: Path, *, extra: Sequence[tuple[str, bytes]] = ()) -> Path:
    """``data_file`` packed in a zip (deflated), with any ``extra`` (name, bytes) members."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.write(data_file, data_file.name)
        for name, content in extra:
            archive.writestr(name, content)
    return path
