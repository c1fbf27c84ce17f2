-- 073: the trials refresh's cursor, stored with the rows it describes. Each load of
-- public.benchmark_trials writes it in the load's own transaction, so a restored database and
-- its cursor always agree, and a rolled-back (failed or dry) run leaves it where it was.
-- A weekly refresh asks ClinicalTrials.gov only for records whose LastUpdatePostDate is on or
-- after registry_date (minus a safety overlap of a few days); a full sweep of the searches runs
-- monthly, whenever no cursor exists, or when the searches themselves changed (searches_digest).
-- The table lives in the pipeline's own schema, which the API does not expose. Safe to re-run.

CREATE TABLE IF NOT EXISTS benchmark_pipeline.trials_refresh_cursor (
    table_name text PRIMARY KEY,
    searches_digest text NOT NULL,
    registry_date date NOT NULL,
    registry_data_timestamp text,
    last_mode text NOT NULL,
    last_refresh_at timestamptz NOT NULL DEFAULT now(),
    last_full_sweep_at timestamptz NOT NULL,
    trials_fetched integer NOT NULL DEFAULT 0,
    CONSTRAINT trials_refresh_cursor_table CHECK (table_name = 'public.benchmark_trials'),
    CONSTRAINT trials_refresh_cursor_mode CHECK (last_mode IN ('full', 'incremental')),
    CONSTRAINT trials_refresh_cursor_fetched CHECK (trials_fetched >= 0),
    CONSTRAINT trials_refresh_cursor_sweep_order CHECK (last_full_sweep_at <= last_refresh_at)
);
ALTER TABLE benchmark_pipeline.trials_refresh_cursor ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON benchmark_pipeline.trials_refresh_cursor FROM PUBLIC, anon, authenticated;

COMMENT ON TABLE benchmark_pipeline.trials_refresh_cursor IS
    'Where the last successful load of public.benchmark_trials left the registry: the next incremental refresh asks only for records updated on or after registry_date (minus a safety overlap). Written in the load''s own transaction.';
COMMENT ON COLUMN benchmark_pipeline.trials_refresh_cursor.table_name IS 'The table the cursor describes (public.benchmark_trials)';
COMMENT ON COLUMN benchmark_pipeline.trials_refresh_cursor.searches_digest IS 'Digest of the searches (modality terms, statuses, condition) the cursor was reached with; other searches need a full sweep';
COMMENT ON COLUMN benchmark_pipeline.trials_refresh_cursor.registry_date IS 'UTC date of the registry data the last successful refresh read (/version dataTimestamp; the fetch date when the registry gave none)';
COMMENT ON COLUMN benchmark_pipeline.trials_refresh_cursor.registry_data_timestamp IS 'The registry''s /version dataTimestamp as it answered, when it gave one';
COMMENT ON COLUMN benchmark_pipeline.trials_refresh_cursor.last_mode IS 'full (every search fetched whole; trials gone from the registry marked missing) or incremental (only records updated since the cursor)';
COMMENT ON COLUMN benchmark_pipeline.trials_refresh_cursor.last_refresh_at IS 'When the last successful load committed';
COMMENT ON COLUMN benchmark_pipeline.trials_refresh_cursor.last_full_sweep_at IS 'When the last successful full sweep committed';
COMMENT ON COLUMN benchmark_pipeline.trials_refresh_cursor.trials_fetched IS 'Trials the last successful refresh''s searches returned';
