"""Plain Python logic, free of Dagster, that the assets and the tests call directly."""
