-- 059: global benchmark tables (trials, cohorts, population baselines).
-- Readable by signed-in users through Supabase's API; written only by the pipeline's own role.
-- Safe to re-run: every statement is guarded, so a second run changes nothing.

CREATE TABLE IF NOT EXISTS public.benchmark_trials (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    nct_id text UNIQUE NOT NULL,
    title text NOT NULL,
    phase text,
    status text,
    modality text NOT NULL,
    conditions text[],
    country text,
    enrollment_actual integer,
    start_date date,
    completion_date date,
    primary_outcome_measure text,
    source text NOT NULL DEFAULT 'clinicaltrials.gov',
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS public.benchmark_cohorts (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    cohort_name text NOT NULL,
    source_citation text NOT NULL,
    modality text NOT NULL,
    condition text NOT NULL,
    setting text,
    n_participants integer NOT NULL,
    country text,
    instrument text NOT NULL,
    baseline_mean numeric,
    baseline_sd numeric,
    endpoint_mean numeric,
    endpoint_sd numeric,
    followup_weeks integer,
    response_rate_pct numeric,
    remission_rate_pct numeric,
    effect_size_hedges_g numeric,
    adverse_event_rate_pct numeric,
    data_freely_usable boolean NOT NULL DEFAULT true,
    license text,
    notes text,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS public.population_baselines (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    source text NOT NULL,
    year integer NOT NULL,
    region text NOT NULL,
    condition text,
    substance text,
    demographic_group text,
    n_episodes integer,
    avg_age numeric,
    pct_female numeric,
    avg_prior_treatments numeric,
    avg_los_days numeric,
    pct_completed_treatment numeric,
    created_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE public.benchmark_trials ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.benchmark_cohorts ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.population_baselines ENABLE ROW LEVEL SECURITY;

-- PostgreSQL has no CREATE POLICY IF NOT EXISTS: each policy is created only when absent,
-- under the names an earlier hand-run copy of this migration used.
DO $policies$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM pg_policies
        WHERE schemaname = 'public' AND tablename = 'benchmark_trials'
          AND policyname = 'benchmark_trials_authenticated_select'
    ) THEN
        CREATE POLICY benchmark_trials_authenticated_select ON public.benchmark_trials
            FOR SELECT TO authenticated USING (true);
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM pg_policies
        WHERE schemaname = 'public' AND tablename = 'benchmark_cohorts'
          AND policyname = 'benchmark_cohorts_authenticated_select'
    ) THEN
        CREATE POLICY benchmark_cohorts_authenticated_select ON public.benchmark_cohorts
            FOR SELECT TO authenticated USING (true);
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM pg_policies
        WHERE schemaname = 'public' AND tablename = 'population_baselines'
          AND policyname = 'population_baselines_authenticated_select'
    ) THEN
        CREATE POLICY population_baselines_authenticated_select ON public.population_baselines
            FOR SELECT TO authenticated USING (true);
    END IF;
END
$policies$;

-- Supabase no longer grants new tables in public to its API roles: grant reading explicitly.
GRANT SELECT ON public.benchmark_trials, public.benchmark_cohorts, public.population_baselines
    TO authenticated;

CREATE INDEX IF NOT EXISTS idx_benchmark_trials_modality ON public.benchmark_trials (modality);
CREATE INDEX IF NOT EXISTS idx_benchmark_trials_status ON public.benchmark_trials (status);
CREATE INDEX IF NOT EXISTS idx_benchmark_trials_country ON public.benchmark_trials (country);
CREATE INDEX IF NOT EXISTS idx_benchmark_trials_completion_date
    ON public.benchmark_trials (completion_date DESC);

CREATE INDEX IF NOT EXISTS idx_benchmark_cohorts_modality_condition
    ON public.benchmark_cohorts (modality, condition);
CREATE INDEX IF NOT EXISTS idx_benchmark_cohorts_instrument ON public.benchmark_cohorts (instrument);
CREATE INDEX IF NOT EXISTS idx_benchmark_cohorts_modality ON public.benchmark_cohorts (modality);
CREATE INDEX IF NOT EXISTS idx_benchmark_cohorts_condition ON public.benchmark_cohorts (condition);
CREATE INDEX IF NOT EXISTS idx_benchmark_cohorts_n_participants
    ON public.benchmark_cohorts (n_participants DESC);

CREATE INDEX IF NOT EXISTS idx_population_baselines_source_year
    ON public.population_baselines (source, year);
CREATE INDEX IF NOT EXISTS idx_population_baselines_condition
    ON public.population_baselines (condition);
CREATE INDEX IF NOT EXISTS idx_population_baselines_region ON public.population_baselines (region);
