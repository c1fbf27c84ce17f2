-- 067: benchmark_instruments, the outcome instruments the cohorts use: score range, direction and,
-- where a published value was verified, the band of difference the read API calls `similar`.
-- Mirrored from data/benchmark_instruments.csv by the benchmark_instruments asset (key: name);
-- the cohort vocabulary takes its score ranges from the same file.
-- Readable by signed-in users through Supabase's API; written only by the pipeline's own role.
-- Safe to re-run: every statement is guarded.

CREATE TABLE IF NOT EXISTS public.benchmark_instruments (
    name text PRIMARY KEY,
    full_name text NOT NULL,
    score_min numeric NOT NULL,
    score_max numeric NOT NULL,
    lower_is_better boolean NOT NULL,
    similar_band numeric,
    band_kind text,
    band_source text,
    band_doi text,
    notes text,
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT benchmark_instruments_range CHECK (score_min < score_max),
    CONSTRAINT benchmark_instruments_band_in_range
        CHECK (similar_band > 0 AND similar_band <= score_max - score_min),
    CONSTRAINT benchmark_instruments_band_sourced
        CHECK (similar_band IS NULL
               OR (band_kind IS NOT NULL AND band_source IS NOT NULL AND band_doi IS NOT NULL))
);

ALTER TABLE public.benchmark_instruments ENABLE ROW LEVEL SECURITY;

-- PostgreSQL has no CREATE POLICY IF NOT EXISTS: the policy is created only when absent.
DO $policies$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM pg_policies
        WHERE schemaname = 'public' AND tablename = 'benchmark_instruments'
          AND policyname = 'benchmark_instruments_authenticated_select'
    ) THEN
        CREATE POLICY benchmark_instruments_authenticated_select
            ON public.benchmark_instruments
            FOR SELECT TO authenticated USING (true);
    END IF;
END
$policies$;

-- Least privilege (as 062): Supabase's default privileges give a new table ALL for anon and
-- authenticated; the anonymous role holds nothing, a signed-in user SELECT alone.
REVOKE ALL ON public.benchmark_instruments FROM PUBLIC, anon, authenticated;
GRANT SELECT ON public.benchmark_instruments TO authenticated;

COMMENT ON TABLE public.benchmark_instruments IS
    'Outcome instruments of the benchmark cohorts: score range, direction, and the verified band '
    'of difference read as similar (NULL where no defensible published value is known; notes say '
    'why). Mirrors data/benchmark_instruments.csv, whose sources data/README.md lists.';
COMMENT ON COLUMN public.benchmark_instruments.name IS 'Instrument name as benchmark_cohorts.instrument writes it (natural key)';
COMMENT ON COLUMN public.benchmark_instruments.full_name IS 'Full name of the instrument and the score it totals';
COMMENT ON COLUMN public.benchmark_instruments.score_min IS 'Lowest possible total score';
COMMENT ON COLUMN public.benchmark_instruments.score_max IS 'Highest possible total score';
COMMENT ON COLUMN public.benchmark_instruments.lower_is_better IS 'True when a lower score means fewer symptoms (true for every instrument in use)';
COMMENT ON COLUMN public.benchmark_instruments.similar_band IS 'Largest difference in score points that benchmark_comparison labels similar; NULL = no verified band, and the comparison gives no label';
COMMENT ON COLUMN public.benchmark_instruments.band_kind IS 'What the band is and how it was derived (e.g. an MCID for individual change, 2 x SEM)';
COMMENT ON COLUMN public.benchmark_instruments.band_source IS 'Citation of the source of similar_band';
COMMENT ON COLUMN public.benchmark_instruments.band_doi IS 'DOI of the source of similar_band';
COMMENT ON COLUMN public.benchmark_instruments.notes IS 'Sources of the range and direction; why the band is empty, or the other published values it was chosen over';
COMMENT ON COLUMN public.benchmark_instruments.updated_at IS 'When the row''s content last changed';
