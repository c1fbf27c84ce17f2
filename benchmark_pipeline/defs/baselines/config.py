"""Run configuration of the population_baselines checks."""

import dagster as dg
from pydantic import Field


class BaselineRowsConfig(dg.Config):
    expected_rows: int = Field(
        default=0, description="Rows the table should hold (0 until phase 2 loads it)."
    )
