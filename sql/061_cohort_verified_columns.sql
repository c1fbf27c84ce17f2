-- 061: benchmark_cohorts holds the verified cohort CSV exactly: the columns the verified facts
-- need, updated_at, and cohort_name as the natural key the loader upserts on.
-- followup_weeks stays integer (whole weeks); shorter or windowed follow-ups get their own columns.

ALTER TABLE public.benchmark_cohorts
    ADD COLUMN IF NOT EXISTS doi text,
    ADD COLUMN IF NOT EXISTS nct_id text,
    ADD COLUMN IF NOT EXISTS condition_detail text,
    ADD COLUMN IF NOT EXISTS active_arm_n integer,
    ADD COLUMN IF NOT EXISTS change_mean numeric,
    ADD COLUMN IF NOT EXISTS change_sd numeric,
    ADD COLUMN IF NOT EXISTS change_detail text,
    ADD COLUMN IF NOT EXISTS followup_days integer,
    ADD COLUMN IF NOT EXISTS followup_weeks_min integer,
    ADD COLUMN IF NOT EXISTS followup_weeks_max integer,
    ADD COLUMN IF NOT EXISTS response_definition text,
    ADD COLUMN IF NOT EXISTS remission_definition text,
    ADD COLUMN IF NOT EXISTS loss_of_diagnosis_pct numeric,
    ADD COLUMN IF NOT EXISTS effect_size numeric,
    ADD COLUMN IF NOT EXISTS effect_size_kind text,
    ADD COLUMN IF NOT EXISTS effect_size_detail text,
    ADD COLUMN IF NOT EXISTS value_sources text,
    ADD COLUMN IF NOT EXISTS updated_at timestamptz NOT NULL DEFAULT now();

-- An earlier hand-run loader inserted every CSV row again on each run, so a live table may hold
-- several copies of one cohort, which would make the unique index below fail. The table is a
-- mirror of the CSV and the next load rewrites every row from it, so keeping only the most
-- recently created copy of each cohort loses nothing the CSV does not hold.
DELETE FROM public.benchmark_cohorts AS older
USING public.benchmark_cohorts AS newer
WHERE older.cohort_name = newer.cohort_name
  AND (older.created_at, older.id::text) < (newer.created_at, newer.id::text);

CREATE UNIQUE INDEX IF NOT EXISTS uq_benchmark_cohorts_cohort_name
    ON public.benchmark_cohorts (cohort_name);
