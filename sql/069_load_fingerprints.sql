-- 069: what each loaded table held after its last load, so a refresh sends only changed rows.
-- benchmark_pipeline.load_fingerprints keeps, per table, the loaded columns, every row's key and
-- a 64-bit fingerprint of its values (lib/postgres/fingerprints.py). A write to a loaded table
-- that does not come from a load (the SQL editor, the API's service role) fires
-- forget_fingerprints, which drops that table's entry: the next load compares every row again.
-- The schema is the pipeline's own: Supabase's API exposes public only, and the API roles hold
-- nothing here. Safe to re-run: every statement is guarded or idempotent.

CREATE TABLE IF NOT EXISTS benchmark_pipeline.load_fingerprints (
    table_name text PRIMARY KEY,
    columns text[] NOT NULL,
    row_keys bytea NOT NULL,
    fingerprints bytea NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE benchmark_pipeline.load_fingerprints ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON benchmark_pipeline.load_fingerprints FROM PUBLIC;

COMMENT ON TABLE benchmark_pipeline.load_fingerprints IS
    'Per loaded table: its columns, row keys (JSON array) and row fingerprints (little-endian uint64) as of the last load. A cache that makes a refresh faster: dropped by any write that is not a load.';

-- SECURITY DEFINER: whoever writes the table (service_role included) can drop its entry.
CREATE OR REPLACE FUNCTION benchmark_pipeline.forget_fingerprints()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $forget$
BEGIN
    IF current_setting('benchmark_pipeline.loading', true)
        IS DISTINCT FROM TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME THEN
        DELETE FROM benchmark_pipeline.load_fingerprints
        WHERE table_name = TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME;
    END IF;
    RETURN NULL;
END
$forget$;
REVOKE ALL ON FUNCTION benchmark_pipeline.forget_fingerprints() FROM PUBLIC;

CREATE OR REPLACE TRIGGER benchmark_trials_forget_fingerprints
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON public.benchmark_trials
    FOR EACH STATEMENT EXECUTE FUNCTION benchmark_pipeline.forget_fingerprints();
CREATE OR REPLACE TRIGGER benchmark_cohorts_forget_fingerprints
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON public.benchmark_cohorts
    FOR EACH STATEMENT EXECUTE FUNCTION benchmark_pipeline.forget_fingerprints();
CREATE OR REPLACE TRIGGER population_baselines_forget_fingerprints
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON public.population_baselines
    FOR EACH STATEMENT EXECUTE FUNCTION benchmark_pipeline.forget_fingerprints();
CREATE OR REPLACE TRIGGER benchmark_study_outcomes_forget_fingerprints
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON public.benchmark_study_outcomes
    FOR EACH STATEMENT EXECUTE FUNCTION benchmark_pipeline.forget_fingerprints();
CREATE OR REPLACE TRIGGER benchmark_instruments_forget_fingerprints
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON public.benchmark_instruments
    FOR EACH STATEMENT EXECUTE FUNCTION benchmark_pipeline.forget_fingerprints();
