"""Run configuration of the schema step."""

import dagster as dg
from pydantic import Field

from benchmark_pipeline.constants import SQL_DIR


class MigrationsConfig(dg.Config):
    sql_dir: str = Field(default=str(SQL_DIR), description="Folder of the NNN_name.sql migrations.")
