"""Dagster code location for the psychedelic-therapy benchmark tables.

``dagster ... -m benchmark_pipeline`` loads ``location_defs``. (It cannot be called ``defs``:
that name is the ``benchmark_pipeline.defs`` folder once the definitions are loaded.)
"""

from benchmark_pipeline.definitions import defs as location_defs

__all__ = ["location_defs"]
