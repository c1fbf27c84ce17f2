-- 065: population_baselines holds the TEDS-D (SAMHSA, Treatment Episode Data Set - Discharges)
-- aggregates: one row per year x region x primary-substance group x demographic group, with the
-- counts behind every percentage, and medians of the file's ordinal codes where the designed
-- averages would need invented values.

ALTER TABLE public.population_baselines
    ADD COLUMN IF NOT EXISTS substance_group text,
    ADD COLUMN IF NOT EXISTS n_female integer,
    ADD COLUMN IF NOT EXISTS n_male integer,
    ADD COLUMN IF NOT EXISTS n_completed integer,
    ADD COLUMN IF NOT EXISTS n_prior_known integer,
    ADD COLUMN IF NOT EXISTS n_with_prior_treatment integer,
    ADD COLUMN IF NOT EXISTS pct_with_prior_treatment numeric,
    ADD COLUMN IF NOT EXISTS n_los_known integer,
    ADD COLUMN IF NOT EXISTS median_los_days integer,
    ADD COLUMN IF NOT EXISTS median_los_range text,
    ADD COLUMN IF NOT EXISTS n_age_known integer,
    ADD COLUMN IF NOT EXISTS median_age_group text,
    ADD COLUMN IF NOT EXISTS updated_at timestamptz NOT NULL DEFAULT now();

-- The natural key the loader upserts on. No earlier loader wrote this table, and rows without a
-- substance_group (NULL) never collide, so the index can be created on any existing contents.
CREATE UNIQUE INDEX IF NOT EXISTS uq_population_baselines_group
    ON public.population_baselines (year, region, substance_group, demographic_group);

COMMENT ON TABLE public.population_baselines IS
    'Usual-care reference values from SAMHSA''s TEDS-D public-use files: one row per discharge '
    'year x region (National, Northeast, Midwest, South, West) x primary-substance group x '
    'demographic group (all, female, male, age bands). Loaded by the benchmark_pipeline '
    'population_baselines asset from a file the user downloads; the table mirrors that load.';
COMMENT ON COLUMN public.population_baselines.source IS
    'Recommended citation of the TEDS-D file the row was computed from.';
COMMENT ON COLUMN public.population_baselines.region IS
    'National (every discharge, U.S. territories included) or a census region.';
COMMENT ON COLUMN public.population_baselines.substance_group IS
    'Primary substance at admission (SUB1) group: all, alcohol, opioids, cocaine, stimulants, '
    'cannabis, hallucinogens, sedatives, other, none, unknown.';
COMMENT ON COLUMN public.population_baselines.substance IS
    'Label of substance_group, naming the SUB1 codes it holds.';
COMMENT ON COLUMN public.population_baselines.demographic_group IS
    'all, female, male, or an age band at admission (age 12-14 ... age 65+).';
COMMENT ON COLUMN public.population_baselines.n_episodes IS
    'Discharges in the group (TEDS-D counts discharges, not people).';
COMMENT ON COLUMN public.population_baselines.pct_female IS
    'n_female / (n_female + n_male) x 100, rounded to 2 decimals; discharges of unknown sex are '
    'left out.';
COMMENT ON COLUMN public.population_baselines.pct_completed_treatment IS
    'n_completed (reason for discharge: treatment completed) / n_episodes x 100, rounded to 2 '
    'decimals.';
COMMENT ON COLUMN public.population_baselines.pct_with_prior_treatment IS
    'n_with_prior_treatment (one or more prior treatment episodes) / n_prior_known x 100, rounded '
    'to 2 decimals; missing NOPRIOR left out.';
COMMENT ON COLUMN public.population_baselines.median_los_days IS
    'Median length of stay in days when it falls in 1-30, the file''s exact days; NULL when it '
    'falls in a range (see median_los_range). Lower median of the n_los_known known values.';
COMMENT ON COLUMN public.population_baselines.median_los_range IS
    'The range holding the median length of stay when it is beyond 30 days (31 to 45 days ... '
    'More than a year), as the file codes it; NULL when median_los_days is set.';
COMMENT ON COLUMN public.population_baselines.median_age_group IS
    'Age band at admission holding the (lower) median of the n_age_known known ages.';
COMMENT ON COLUMN public.population_baselines.avg_prior_treatments IS
    'Always NULL: since 2015 TEDS-D codes prior treatment episodes only as none / one or more '
    '(NOPRIOR 0/1), so no number of episodes can be averaged; see pct_with_prior_treatment.';
COMMENT ON COLUMN public.population_baselines.avg_los_days IS
    'Always NULL: TEDS-D gives length of stay in days only for 1-30 and as ranges beyond (31-45 '
    '... more than a year), so a mean would need invented midpoints; see median_los_days and '
    'median_los_range.';
COMMENT ON COLUMN public.population_baselines.avg_age IS
    'Always NULL: TEDS-D gives age at admission only in 12 bands (12-14 ... 65 and older), so a '
    'mean would need invented midpoints; see median_age_group.';
