"""A run's review: every check it planned, with what each found, problems first."""
