-- 066: what a clinician needs to filter the trials table and trust a row.
-- Design (study type, primary purpose, allocation, healthy volunteers, results posted); the
-- primary completion date; each partial date's precision (day/month/year: a month-only date is
-- stored as its first day) and type (ACTUAL/ESTIMATED, NULL when the record gives none); every
-- primary outcome with its time frame and every intervention with its other names (jsonb); the
-- condition MeSH terms and their ancestors; where the modality label came from; and the
-- indication category (documented in benchmark_pipeline/lib/trials/indication.py and README).
-- Nothing is deleted by category: readers filter on the column.
-- Safe to re-run: every statement is guarded (a column's CHECK is added with its column).

ALTER TABLE public.benchmark_trials
    ADD COLUMN IF NOT EXISTS study_type text,
    ADD COLUMN IF NOT EXISTS primary_purpose text,
    ADD COLUMN IF NOT EXISTS allocation text,
    ADD COLUMN IF NOT EXISTS healthy_volunteers boolean,
    ADD COLUMN IF NOT EXISTS has_results boolean,
    ADD COLUMN IF NOT EXISTS primary_completion_date date,
    ADD COLUMN IF NOT EXISTS start_date_precision text
        CHECK (start_date_precision IN ('day', 'month', 'year')),
    ADD COLUMN IF NOT EXISTS start_date_type text
        CHECK (start_date_type IN ('ACTUAL', 'ESTIMATED')),
    ADD COLUMN IF NOT EXISTS primary_completion_date_precision text
        CHECK (primary_completion_date_precision IN ('day', 'month', 'year')),
    ADD COLUMN IF NOT EXISTS primary_completion_date_type text
        CHECK (primary_completion_date_type IN ('ACTUAL', 'ESTIMATED')),
    ADD COLUMN IF NOT EXISTS completion_date_precision text
        CHECK (completion_date_precision IN ('day', 'month', 'year')),
    ADD COLUMN IF NOT EXISTS completion_date_type text
        CHECK (completion_date_type IN ('ACTUAL', 'ESTIMATED')),
    ADD COLUMN IF NOT EXISTS primary_outcomes jsonb,
    ADD COLUMN IF NOT EXISTS interventions jsonb,
    ADD COLUMN IF NOT EXISTS condition_mesh_terms text[],
    ADD COLUMN IF NOT EXISTS condition_mesh_ancestors text[],
    ADD COLUMN IF NOT EXISTS modality_source text
        CHECK (modality_source IN ('interventions', 'search')),
    ADD COLUMN IF NOT EXISTS indication_category text;

CREATE INDEX IF NOT EXISTS idx_benchmark_trials_indication_category
    ON public.benchmark_trials (indication_category);
CREATE INDEX IF NOT EXISTS idx_benchmark_trials_modality_indication
    ON public.benchmark_trials (modality, indication_category);
