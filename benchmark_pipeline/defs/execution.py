"""How the code location's runs execute: every step in the run's own process, one after another.

The steps are small (milliseconds to a few seconds of work each); Dagster's default multiprocess
executor would start a Python process per step and import the whole code location in each,
which cost far more than the work (a full materialization took minutes instead of seconds). The
loads serialise on their tables anyway, and one process also shares the imports and resources.
"""

import dagster as dg


@dg.definitions
def execution() -> dg.Definitions:
    return dg.Definitions(executor=dg.in_process_executor)
