-- 063: a cohort's reuse terms are three-valued. data_freely_usable was NOT NULL DEFAULT true, so a
-- cohort whose terms nobody verified could only be refused or loaded with a claim nobody checked.
-- Now: true = an open licence was verified, false = verified restricted, NULL = not verified.
-- Loosening only: no stored value changes, and re-running changes nothing.

ALTER TABLE public.benchmark_cohorts
    ALTER COLUMN data_freely_usable DROP DEFAULT,
    ALTER COLUMN data_freely_usable DROP NOT NULL,
    ALTER COLUMN license DROP NOT NULL;

COMMENT ON COLUMN public.benchmark_cohorts.data_freely_usable IS
    'Reuse terms of the cohort''s data: true = an open licence was verified, false = verified '
    'restricted (e.g. publisher copyright), NULL = not verified (no claim either way).';

COMMENT ON COLUMN public.benchmark_cohorts.license IS
    'Licence or access terms as verified, verbatim in substance; NULL when not verified.';
