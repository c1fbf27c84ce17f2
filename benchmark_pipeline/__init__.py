"""Dagster code location for the psychedelic-therapy benchmark tables."""
