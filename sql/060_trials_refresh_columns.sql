-- 060: what a weekly, updating refresh of benchmark_trials needs.
-- Every modality and country of a trial (the single-valued columns keep the primary modality
-- and the country of single-country trials), enrollment with its type (only ACTUAL counts fill
-- enrollment_actual), the registry's last-update date, when the row's content last changed,
-- and since when a trial the registry no longer has has been missing (rows are never deleted).
-- Safe to re-run: every statement is guarded.

ALTER TABLE public.benchmark_trials
    ADD COLUMN IF NOT EXISTS modalities text[],
    ADD COLUMN IF NOT EXISTS countries text[],
    ADD COLUMN IF NOT EXISTS enrollment_count integer,
    ADD COLUMN IF NOT EXISTS enrollment_type text,
    ADD COLUMN IF NOT EXISTS last_update_date date,
    ADD COLUMN IF NOT EXISTS updated_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN IF NOT EXISTS missing_since timestamptz;

CREATE INDEX IF NOT EXISTS idx_benchmark_trials_modalities
    ON public.benchmark_trials USING gin (modalities);
CREATE INDEX IF NOT EXISTS idx_benchmark_trials_missing_since
    ON public.benchmark_trials (missing_since) WHERE missing_since IS NOT NULL;
