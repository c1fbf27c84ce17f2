-- 064: benchmark_study_outcomes, every comparison row of the open Metapsy living meta-analytic
-- datasets (Sypres Collaboration, ODC-By 1.0): one row per comparison (arm 1 vs arm 2) x
-- instrument x time point x outcome type, with per-arm results, the maintainers' Hedges' g and
-- log risk ratio, and risk-of-bias ratings. Mirrored by the metapsy_effect_sizes asset; the
-- natural key is (dataset, row_id), row_id being the maintainers' own .id.
-- Readable by signed-in users through Supabase's API; written only by the pipeline's own role.
-- Safe to re-run: every statement is guarded.

CREATE TABLE IF NOT EXISTS public.benchmark_study_outcomes (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    dataset text NOT NULL,
    release text NOT NULL,
    row_id text NOT NULL,
    study text NOT NULL,
    year integer,
    doi text,
    registration_number text,
    condition_arm1 text NOT NULL,
    condition_arm2 text NOT NULL,
    multi_arm1 text,
    multi_arm2 text,
    drug_arm1 text,
    drug_arm2 text,
    dose_arm1 text,
    dose_arm2 text,
    name_arm1 text,
    name_arm2 text,
    instrument text NOT NULL,
    rating text,
    primary_instrument boolean NOT NULL,
    study_time_point text,
    time_weeks numeric,
    time_days numeric,
    primary_timepoint boolean NOT NULL,
    post_crossover boolean,
    outcome_type text NOT NULL,
    n_arm1 integer,
    mean_arm1 numeric,
    sd_arm1 numeric,
    n_arm2 integer,
    mean_arm2 numeric,
    sd_arm2 numeric,
    n_change_arm1 integer,
    mean_change_arm1 numeric,
    sd_change_arm1 numeric,
    n_change_arm2 integer,
    mean_change_arm2 numeric,
    sd_change_arm2 numeric,
    event_arm1 integer,
    totaln_arm1 integer,
    event_arm2 integer,
    totaln_arm2 integer,
    baseline_mean_arm1 numeric,
    baseline_sd_arm1 numeric,
    baseline_n_arm1 integer,
    baseline_mean_arm2 numeric,
    baseline_sd_arm2 numeric,
    baseline_n_arm2 integer,
    hedges_g numeric,
    hedges_g_se numeric,
    log_rr numeric,
    log_rr_se numeric,
    rob_randomization text,
    rob_deviations text,
    rob_missing_data text,
    rob_measurement text,
    rob_selection text,
    rob_overall text,
    nct_id text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX IF NOT EXISTS uq_benchmark_study_outcomes_dataset_row_id
    ON public.benchmark_study_outcomes (dataset, row_id);
CREATE INDEX IF NOT EXISTS idx_benchmark_study_outcomes_dataset_instrument
    ON public.benchmark_study_outcomes (dataset, instrument, outcome_type);
CREATE INDEX IF NOT EXISTS idx_benchmark_study_outcomes_study
    ON public.benchmark_study_outcomes (study);
CREATE INDEX IF NOT EXISTS idx_benchmark_study_outcomes_nct_id
    ON public.benchmark_study_outcomes (nct_id) WHERE nct_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_benchmark_study_outcomes_primary
    ON public.benchmark_study_outcomes (dataset, outcome_type)
    WHERE primary_instrument AND primary_timepoint;

ALTER TABLE public.benchmark_study_outcomes ENABLE ROW LEVEL SECURITY;

-- PostgreSQL has no CREATE POLICY IF NOT EXISTS: the policy is created only when absent.
DO $policies$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM pg_policies
        WHERE schemaname = 'public' AND tablename = 'benchmark_study_outcomes'
          AND policyname = 'benchmark_study_outcomes_authenticated_select'
    ) THEN
        CREATE POLICY benchmark_study_outcomes_authenticated_select
            ON public.benchmark_study_outcomes
            FOR SELECT TO authenticated USING (true);
    END IF;
END
$policies$;

-- Supabase no longer grants new tables in public to its API roles: grant reading explicitly.
-- Least privilege (as 062): the anonymous role holds nothing, a signed-in user SELECT alone.
REVOKE ALL ON public.benchmark_study_outcomes FROM PUBLIC, anon, authenticated;
GRANT SELECT ON public.benchmark_study_outcomes TO authenticated;

COMMENT ON TABLE public.benchmark_study_outcomes IS
    'Every comparison row of the Metapsy datasets (Sypres Collaboration; ODC-By 1.0: attribute the dataset, its authors and release). One row per comparison x instrument x time point x outcome type; key (dataset, row_id).';
COMMENT ON COLUMN public.benchmark_study_outcomes.id IS 'Surrogate key';
COMMENT ON COLUMN public.benchmark_study_outcomes.dataset IS 'Metapsy dataset shorthand, e.g. depression-psiloctr';
COMMENT ON COLUMN public.benchmark_study_outcomes.release IS 'Dataset release the row was read from, e.g. 25.1.2';
COMMENT ON COLUMN public.benchmark_study_outcomes.row_id IS 'The maintainers'' row id (.id); unique within a dataset (CSV: .id)';
COMMENT ON COLUMN public.benchmark_study_outcomes.study IS 'First author and year, as the dataset writes it (CSV: study)';
COMMENT ON COLUMN public.benchmark_study_outcomes.year IS 'Year of publication (CSV: year)';
COMMENT ON COLUMN public.benchmark_study_outcomes.doi IS 'DOI(s) of the study report(s), as given (''; '' between two) (CSV: doi)';
COMMENT ON COLUMN public.benchmark_study_outcomes.registration_number IS 'Trial registry id as given (CSV: registration_number)';
COMMENT ON COLUMN public.benchmark_study_outcomes.condition_arm1 IS 'Condition code of arm 1 (the psychedelic arm) (CSV: condition_arm1)';
COMMENT ON COLUMN public.benchmark_study_outcomes.condition_arm2 IS 'Condition code of arm 2 (the comparator) (CSV: condition_arm2)';
COMMENT ON COLUMN public.benchmark_study_outcomes.multi_arm1 IS 'Which arm 1 in a multi-arm study (e.g. dose) (CSV: multi_arm1)';
COMMENT ON COLUMN public.benchmark_study_outcomes.multi_arm2 IS 'Which arm 2 in a multi-arm study (e.g. dose) (CSV: multi_arm2)';
COMMENT ON COLUMN public.benchmark_study_outcomes.drug_arm1 IS 'Drug given in arm 1 (CSV: drug_arm1)';
COMMENT ON COLUMN public.benchmark_study_outcomes.drug_arm2 IS 'Drug or placebo given in arm 2 (CSV: drug_arm2)';
COMMENT ON COLUMN public.benchmark_study_outcomes.dose_arm1 IS 'Dose in arm 1, as written (CSV: dose_arm1)';
COMMENT ON COLUMN public.benchmark_study_outcomes.dose_arm2 IS 'Dose in arm 2, as written (CSV: dose_arm2)';
COMMENT ON COLUMN public.benchmark_study_outcomes.name_arm1 IS 'Arm 1 as the paper names it (CSV: name_arm1)';
COMMENT ON COLUMN public.benchmark_study_outcomes.name_arm2 IS 'Arm 2 as the paper names it (CSV: name_arm2)';
COMMENT ON COLUMN public.benchmark_study_outcomes.instrument IS 'Outcome instrument, Metapsy code (e.g. madrs, caps-5) (CSV: instrument)';
COMMENT ON COLUMN public.benchmark_study_outcomes.rating IS 'Who rates the scale (CSV: rating)';
COMMENT ON COLUMN public.benchmark_study_outcomes.primary_instrument IS 'The study''s primary instrument here (CSV: primary_instrument)';
COMMENT ON COLUMN public.benchmark_study_outcomes.study_time_point IS 'Time point as the study labels it (CSV: study_time_point)';
COMMENT ON COLUMN public.benchmark_study_outcomes.time_weeks IS 'Weeks after the final dosing session (CSV: time_weeks)';
COMMENT ON COLUMN public.benchmark_study_outcomes.time_days IS 'Days after the final dosing session (CSV: time_days)';
COMMENT ON COLUMN public.benchmark_study_outcomes.primary_timepoint IS 'The study''s primary time point (CSV: primary_timepoint)';
COMMENT ON COLUMN public.benchmark_study_outcomes.post_crossover IS 'After crossover (NULL: no crossover) (CSV: post_crossover)';
COMMENT ON COLUMN public.benchmark_study_outcomes.outcome_type IS 'msd endpoint mean/SD, imsd imputed endpoint, change from baseline, response, remission (CSV: outcome_type)';
COMMENT ON COLUMN public.benchmark_study_outcomes.n_arm1 IS 'Arm 1 N of the endpoint mean/SD (CSV: n_arm1)';
COMMENT ON COLUMN public.benchmark_study_outcomes.mean_arm1 IS 'Arm 1 endpoint mean (CSV: mean_arm1)';
COMMENT ON COLUMN public.benchmark_study_outcomes.sd_arm1 IS 'Arm 1 endpoint SD (CSV: sd_arm1)';
COMMENT ON COLUMN public.benchmark_study_outcomes.n_arm2 IS 'Arm 2 N of the endpoint mean/SD (CSV: n_arm2)';
COMMENT ON COLUMN public.benchmark_study_outcomes.mean_arm2 IS 'Arm 2 endpoint mean (CSV: mean_arm2)';
COMMENT ON COLUMN public.benchmark_study_outcomes.sd_arm2 IS 'Arm 2 endpoint SD (CSV: sd_arm2)';
COMMENT ON COLUMN public.benchmark_study_outcomes.n_change_arm1 IS 'Arm 1 N of the change score (CSV: n_change_arm1)';
COMMENT ON COLUMN public.benchmark_study_outcomes.mean_change_arm1 IS 'Arm 1 mean change from baseline (CSV: mean_change_arm1)';
COMMENT ON COLUMN public.benchmark_study_outcomes.sd_change_arm1 IS 'Arm 1 SD of the change (CSV: sd_change_arm1)';
COMMENT ON COLUMN public.benchmark_study_outcomes.n_change_arm2 IS 'Arm 2 N of the change score (CSV: n_change_arm2)';
COMMENT ON COLUMN public.benchmark_study_outcomes.mean_change_arm2 IS 'Arm 2 mean change from baseline (CSV: mean_change_arm2)';
COMMENT ON COLUMN public.benchmark_study_outcomes.sd_change_arm2 IS 'Arm 2 SD of the change (CSV: sd_change_arm2)';
COMMENT ON COLUMN public.benchmark_study_outcomes.event_arm1 IS 'Arm 1 events (responders or remitters) (CSV: event_arm1)';
COMMENT ON COLUMN public.benchmark_study_outcomes.totaln_arm1 IS 'Arm 1 N of the dichotomous outcome (CSV: totaln_arm1)';
COMMENT ON COLUMN public.benchmark_study_outcomes.event_arm2 IS 'Arm 2 events (responders or remitters) (CSV: event_arm2)';
COMMENT ON COLUMN public.benchmark_study_outcomes.totaln_arm2 IS 'Arm 2 N of the dichotomous outcome (CSV: totaln_arm2)';
COMMENT ON COLUMN public.benchmark_study_outcomes.baseline_mean_arm1 IS 'Arm 1 baseline mean (CSV: baseline_m_arm1)';
COMMENT ON COLUMN public.benchmark_study_outcomes.baseline_sd_arm1 IS 'Arm 1 baseline SD (CSV: baseline_sd_arm1)';
COMMENT ON COLUMN public.benchmark_study_outcomes.baseline_n_arm1 IS 'Arm 1 N at baseline (CSV: baseline_n_arm1)';
COMMENT ON COLUMN public.benchmark_study_outcomes.baseline_mean_arm2 IS 'Arm 2 baseline mean (CSV: baseline_m_arm2)';
COMMENT ON COLUMN public.benchmark_study_outcomes.baseline_sd_arm2 IS 'Arm 2 baseline SD (CSV: baseline_sd_arm2)';
COMMENT ON COLUMN public.benchmark_study_outcomes.baseline_n_arm2 IS 'Arm 2 N at baseline (CSV: baseline_n_arm2)';
COMMENT ON COLUMN public.benchmark_study_outcomes.hedges_g IS 'Hedges'' g by the maintainers; negative favours arm 1 (CSV: .g)';
COMMENT ON COLUMN public.benchmark_study_outcomes.hedges_g_se IS 'Standard error of hedges_g (CSV: .g_se)';
COMMENT ON COLUMN public.benchmark_study_outcomes.log_rr IS 'Log risk ratio (arm 1 vs arm 2) by the maintainers (CSV: .log_rr)';
COMMENT ON COLUMN public.benchmark_study_outcomes.log_rr_se IS 'Standard error of log_rr (CSV: .log_rr_se)';
COMMENT ON COLUMN public.benchmark_study_outcomes.rob_randomization IS 'Risk of bias (RoB 2) domain 1: randomization (CSV: d1)';
COMMENT ON COLUMN public.benchmark_study_outcomes.rob_deviations IS 'RoB 2 domain 2: deviations from interventions (CSV: d2)';
COMMENT ON COLUMN public.benchmark_study_outcomes.rob_missing_data IS 'RoB 2 domain 3: missing outcome data (CSV: d3)';
COMMENT ON COLUMN public.benchmark_study_outcomes.rob_measurement IS 'RoB 2 domain 4: measurement of the outcome (CSV: d4)';
COMMENT ON COLUMN public.benchmark_study_outcomes.rob_selection IS 'RoB 2 domain 5: selection of the reported result (CSV: d5)';
COMMENT ON COLUMN public.benchmark_study_outcomes.rob_overall IS 'RoB 2 overall rating (CSV: rob)';
COMMENT ON COLUMN public.benchmark_study_outcomes.nct_id IS 'registration_number when it is a ClinicalTrials.gov id (NCT + 8 digits)';
COMMENT ON COLUMN public.benchmark_study_outcomes.created_at IS 'When the row was first loaded';
COMMENT ON COLUMN public.benchmark_study_outcomes.updated_at IS 'When the row''s content last changed';
