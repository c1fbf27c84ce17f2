-- 070: benchmark_trial_results, the outcome results sponsors posted on ClinicalTrials.gov for the
-- loaded trials: one row per trial x outcome measure x group x class x category, every value
-- exactly as posted (text, and beside it the same value as an exact number when the whole string
-- is one: never rescaled, never turned from SE into SD), with what the pipeline recognised in it
-- (instrument, change or endpoint, dispersion, active or placebo arm, drug) and whether it can
-- serve as a benchmark, and why not. Mirrored on its natural key (nct_id, measure_no, group_id,
-- class_no, category_no: lib/trials/results/columns.py MEASUREMENT_KEY).
-- benchmark_pipeline.trial_results_reads is the loader's ledger of which trials' results were
-- read at which registry version, so a refresh refetches only trials updated since.
-- benchmark_trial_results is readable by signed-in users through Supabase's API and written only
-- by the pipeline's own role; the ledger lives in the pipeline's own schema, which the API does
-- not expose. Safe to re-run: every statement is guarded or idempotent.

CREATE TABLE IF NOT EXISTS public.benchmark_trial_results (
    nct_id text NOT NULL,
    last_update_date date,
    outcome_type text,
    measure_no integer NOT NULL,
    title text,
    description text,
    population_description text,
    time_frame text,
    unit_of_measure text,
    param_type text,
    dispersion_type text,
    reporting_status text,
    group_id text NOT NULL,
    group_title text,
    group_description text,
    class_no integer NOT NULL,
    class_title text,
    category_no integer NOT NULL,
    category_title text,
    value_text text,
    value numeric,
    spread_text text,
    spread numeric,
    lower_limit_text text,
    lower_limit numeric,
    upper_limit_text text,
    upper_limit numeric,
    comment text,
    analysed_n integer,
    analysed_n_level text,
    denom_units text[],
    denom_units_selected text,
    numeric_note text,
    instrument text,
    instrument_match text,
    quantity text NOT NULL,
    dispersion_kind text,
    arm_role text NOT NULL,
    modality text,
    comparable boolean NOT NULL,
    not_comparable_reason text,
    held_for_review boolean NOT NULL DEFAULT false,
    held_reason text,
    updated_at timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT benchmark_trial_results_pkey
        PRIMARY KEY (nct_id, measure_no, group_id, class_no, category_no),
    CONSTRAINT benchmark_trial_results_positions
        CHECK (measure_no >= 1 AND class_no >= 1 AND category_no >= 1),
    CONSTRAINT benchmark_trial_results_analysed_n CHECK (analysed_n >= 0),
    -- A number is only ever read from a posted string, never made up beside it.
    CONSTRAINT benchmark_trial_results_numbers_posted
        CHECK ((value IS NULL OR value_text IS NOT NULL)
               AND (spread IS NULL OR spread_text IS NOT NULL)
               AND (lower_limit IS NULL OR lower_limit_text IS NOT NULL)
               AND (upper_limit IS NULL OR upper_limit_text IS NOT NULL)),
    -- A recognised instrument always says how it was recognised.
    CONSTRAINT benchmark_trial_results_instrument_match
        CHECK ((instrument IS NULL) = (instrument_match IS NULL)),
    CONSTRAINT benchmark_trial_results_quantity
        CHECK (quantity IN ('change', 'endpoint', 'unknown')),
    CONSTRAINT benchmark_trial_results_dispersion_kind
        CHECK (dispersion_kind IN ('standard_deviation', 'standard_error', 'confidence_interval',
                                   'inter_quartile_range', 'full_range',
                                   'geometric_coefficient_of_variation', 'other')),
    CONSTRAINT benchmark_trial_results_arm_role
        CHECK (arm_role IN ('active', 'placebo', 'unknown')),
    -- coalesce: a CHECK passes on NULL, and a missing reason must fail.
    CONSTRAINT benchmark_trial_results_comparable_reason
        CHECK (CASE WHEN comparable THEN not_comparable_reason IS NULL
                    ELSE coalesce(btrim(not_comparable_reason), '') <> '' END),
    CONSTRAINT benchmark_trial_results_held_reason
        CHECK (CASE WHEN held_for_review THEN coalesce(btrim(held_reason), '') <> ''
                    ELSE held_reason IS NULL END)
);

-- The primary key's index serves look-ups by nct_id (its first column).
CREATE INDEX IF NOT EXISTS idx_benchmark_trial_results_instrument
    ON public.benchmark_trial_results (instrument) WHERE instrument IS NOT NULL;
-- The read API's fourth benchmark step reads only these rows, largest analysed N first.
CREATE INDEX IF NOT EXISTS idx_benchmark_trial_results_benchmark_arms
    ON public.benchmark_trial_results (instrument, analysed_n DESC)
    WHERE comparable AND NOT held_for_review AND arm_role = 'active';
CREATE INDEX IF NOT EXISTS idx_benchmark_trial_results_modality
    ON public.benchmark_trial_results (modality) WHERE modality IS NOT NULL;

ALTER TABLE public.benchmark_trial_results ENABLE ROW LEVEL SECURITY;

-- PostgreSQL has no CREATE POLICY IF NOT EXISTS: the policy is created only when absent.
DO $policies$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM pg_policies
        WHERE schemaname = 'public' AND tablename = 'benchmark_trial_results'
          AND policyname = 'benchmark_trial_results_authenticated_select'
    ) THEN
        CREATE POLICY benchmark_trial_results_authenticated_select
            ON public.benchmark_trial_results
            FOR SELECT TO authenticated USING (true);
    END IF;
END
$policies$;

-- Least privilege (as 062): Supabase's default privileges give a new table ALL for anon and
-- authenticated; the anonymous role holds nothing, a signed-in user SELECT alone.
REVOKE ALL ON public.benchmark_trial_results FROM PUBLIC, anon, authenticated;
GRANT SELECT ON public.benchmark_trial_results TO authenticated;

-- As 069 for every loaded table: a write that is not a load forgets the table's fingerprints.
CREATE OR REPLACE TRIGGER benchmark_trial_results_forget_fingerprints
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON public.benchmark_trial_results
    FOR EACH STATEMENT EXECUTE FUNCTION benchmark_pipeline.forget_fingerprints();

COMMENT ON TABLE public.benchmark_trial_results IS
    'Outcome results posted on ClinicalTrials.gov for the loaded trials: one row per trial x outcome measure x group x class x category (key: nct_id, measure_no, group_id, class_no, category_no). Every posted value is stored exactly as posted (text, and as an exact number when the whole string is one; never rescaled, never converted between SE and SD), beside what the pipeline recognised (instrument, quantity, dispersion, arm role, modality) and whether the row may serve as a benchmark (comparable, held_for_review) with the reason when not. Posted by the sponsor; not peer reviewed.';
COMMENT ON COLUMN public.benchmark_trial_results.nct_id IS 'ClinicalTrials.gov id of the trial, as posted';
COMMENT ON COLUMN public.benchmark_trial_results.last_update_date IS 'The record''s last update post date when its results were read, as posted';
COMMENT ON COLUMN public.benchmark_trial_results.outcome_type IS 'PRIMARY, SECONDARY, OTHER_PRE_SPECIFIED or POST_HOC, exactly as posted';
COMMENT ON COLUMN public.benchmark_trial_results.measure_no IS '1-based position of the outcome measure in the posted list';
COMMENT ON COLUMN public.benchmark_trial_results.title IS 'The outcome measure''s title, exactly as posted';
COMMENT ON COLUMN public.benchmark_trial_results.description IS 'The outcome measure''s description, exactly as posted';
COMMENT ON COLUMN public.benchmark_trial_results.population_description IS 'Who was analysed, exactly as posted';
COMMENT ON COLUMN public.benchmark_trial_results.time_frame IS 'The outcome measure''s time frame, exactly as posted';
COMMENT ON COLUMN public.benchmark_trial_results.unit_of_measure IS 'Unit of the values, exactly as posted (e.g. ''score on a scale'')';
COMMENT ON COLUMN public.benchmark_trial_results.param_type IS 'What the value is, exactly as posted: MEAN, LEAST_SQUARES_MEAN, MEDIAN, NUMBER, COUNT_OF_PARTICIPANTS ...';
COMMENT ON COLUMN public.benchmark_trial_results.dispersion_type IS 'What the spread or limits are, exactly as posted (e.g. ''Standard Deviation'', ''95% Confidence Interval''); dispersion_kind is its reading';
COMMENT ON COLUMN public.benchmark_trial_results.reporting_status IS 'POSTED or NOT_POSTED, exactly as posted';
COMMENT ON COLUMN public.benchmark_trial_results.group_id IS 'The group''s id within the measure (e.g. OG000), as posted';
COMMENT ON COLUMN public.benchmark_trial_results.group_title IS 'The group''s (arm''s) title, exactly as posted';
COMMENT ON COLUMN public.benchmark_trial_results.group_description IS 'The group''s description, exactly as posted';
COMMENT ON COLUMN public.benchmark_trial_results.class_no IS '1-based position of the class (often a time point) within the measure';
COMMENT ON COLUMN public.benchmark_trial_results.class_title IS 'The class''s title, exactly as posted (often a time point, e.g. ''Week 3''); NULL when untitled';
COMMENT ON COLUMN public.benchmark_trial_results.category_no IS '1-based position of the category within its class';
COMMENT ON COLUMN public.benchmark_trial_results.category_title IS 'The category''s title, exactly as posted (e.g. ''Responder''); NULL when untitled';
COMMENT ON COLUMN public.benchmark_trial_results.value_text IS 'The value exactly as posted (a string, e.g. ''-12.30'' or ''NA'')';
COMMENT ON COLUMN public.benchmark_trial_results.value IS 'value_text as an exact number with its posted digits, only when the whole string is one (else NULL, and numeric_note says why)';
COMMENT ON COLUMN public.benchmark_trial_results.spread_text IS 'The spread (SD, SE ... as dispersion_type says) exactly as posted';
COMMENT ON COLUMN public.benchmark_trial_results.spread IS 'spread_text as an exact number, only when the whole string is one; never converted between SE and SD';
COMMENT ON COLUMN public.benchmark_trial_results.lower_limit_text IS 'The lower limit (of a CI, IQR or range) exactly as posted';
COMMENT ON COLUMN public.benchmark_trial_results.lower_limit IS 'lower_limit_text as an exact number, only when the whole string is one';
COMMENT ON COLUMN public.benchmark_trial_results.upper_limit_text IS 'The upper limit (of a CI, IQR or range) exactly as posted';
COMMENT ON COLUMN public.benchmark_trial_results.upper_limit IS 'upper_limit_text as an exact number, only when the whole string is one';
COMMENT ON COLUMN public.benchmark_trial_results.comment IS 'The measurement''s comment exactly as posted (e.g. why a value is missing)';
COMMENT ON COLUMN public.benchmark_trial_results.analysed_n IS 'The group''s analysed N: its ''Participants'' denom count as posted, the class''s own first, else the measure''s';
COMMENT ON COLUMN public.benchmark_trial_results.analysed_n_level IS 'Where analysed_n came from: class or measure';
COMMENT ON COLUMN public.benchmark_trial_results.denom_units IS 'Units of the denoms posted for this class and measure, as posted';
COMMENT ON COLUMN public.benchmark_trial_results.denom_units_selected IS 'The unit the measure''s values count, as posted';
COMMENT ON COLUMN public.benchmark_trial_results.numeric_note IS 'Why a posted string has no number (e.g. "value ''NA'': not a number"); NULL when every posted string is a number';
COMMENT ON COLUMN public.benchmark_trial_results.instrument IS 'The recognised instrument, a benchmark_instruments.name (e.g. MADRS), recognised by the pipeline from whole words of the posted title (or description); NULL when none was recognised';
COMMENT ON COLUMN public.benchmark_trial_results.instrument_match IS 'How the instrument was recognised: the words matched and where (e.g. title: ''MADRS''); NULL exactly when instrument is NULL';
COMMENT ON COLUMN public.benchmark_trial_results.quantity IS 'What the value measures, read from the posted title/description: change (from baseline), endpoint (a score at a time point) or unknown';
COMMENT ON COLUMN public.benchmark_trial_results.dispersion_kind IS 'The posted dispersion_type read as standard_deviation, standard_error, confidence_interval, inter_quartile_range, full_range, geometric_coefficient_of_variation or other; NULL when none was posted';
COMMENT ON COLUMN public.benchmark_trial_results.arm_role IS 'The group''s role, from the trial''s interventions and the posted group title: active, placebo (placebo, sham or waitlist; never a benchmark) or unknown';
COMMENT ON COLUMN public.benchmark_trial_results.modality IS 'The drug the group received, from the pipeline''s modality vocabulary (e.g. esketamine); NULL when not recognised';
COMMENT ON COLUMN public.benchmark_trial_results.comparable IS 'True when the posted values can be compared with a patient''s score on the instrument (a mean in the instrument''s points); false with not_comparable_reason otherwise';
COMMENT ON COLUMN public.benchmark_trial_results.not_comparable_reason IS 'Why the values cannot be compared (e.g. a percentage of participants, a median with a range, a unit that is not the instrument''s points); NULL exactly when comparable';
COMMENT ON COLUMN public.benchmark_trial_results.held_for_review IS 'True while a person must look at the row before the read API may use it as a benchmark (e.g. it disagrees with a verified cohort of the same trial)';
COMMENT ON COLUMN public.benchmark_trial_results.held_reason IS 'Why the row is held for review; NULL exactly when not held';
COMMENT ON COLUMN public.benchmark_trial_results.updated_at IS 'When the row''s content last changed';
COMMENT ON COLUMN public.benchmark_trial_results.created_at IS 'When the row was first loaded';

-- The loader's ledger: which trials' results were read, at which registry version, and with what
-- outcome. A refresh refetches only trials whose last_update_date has changed since.
CREATE TABLE IF NOT EXISTS benchmark_pipeline.trial_results_reads (
    nct_id text PRIMARY KEY,
    last_update_date date,
    read_at timestamptz NOT NULL DEFAULT now(),
    outcome text NOT NULL,
    rows integer NOT NULL DEFAULT 0,
    reason text,
    CONSTRAINT trial_results_reads_outcome CHECK (outcome IN ('loaded', 'rejected', 'no_results')),
    CONSTRAINT trial_results_reads_rows CHECK (rows >= 0 AND (outcome = 'loaded' OR rows = 0)),
    CONSTRAINT trial_results_reads_rejected_reason
        CHECK (outcome <> 'rejected' OR coalesce(btrim(reason), '') <> '')
);
ALTER TABLE benchmark_pipeline.trial_results_reads ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON benchmark_pipeline.trial_results_reads FROM PUBLIC, anon, authenticated;

COMMENT ON TABLE benchmark_pipeline.trial_results_reads IS
    'Per trial: when its posted results were last read, at which registry version (last_update_date), and the outcome. The results loader refetches only trials whose last_update_date changed since.';
COMMENT ON COLUMN benchmark_pipeline.trial_results_reads.nct_id IS 'ClinicalTrials.gov id of the trial';
COMMENT ON COLUMN benchmark_pipeline.trial_results_reads.last_update_date IS 'The record''s last update post date when its results were read';
COMMENT ON COLUMN benchmark_pipeline.trial_results_reads.read_at IS 'When the results were read';
COMMENT ON COLUMN benchmark_pipeline.trial_results_reads.outcome IS 'loaded (rows written), rejected (the results section did not decode: reason says why) or no_results (the registry returned no results section)';
COMMENT ON COLUMN benchmark_pipeline.trial_results_reads.rows IS 'Rows of benchmark_trial_results the read produced (0 unless loaded)';
COMMENT ON COLUMN benchmark_pipeline.trial_results_reads.reason IS 'Why the results were rejected (field path and reason) or anything else the loader notes; required when rejected';
