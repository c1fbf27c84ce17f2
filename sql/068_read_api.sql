-- 068: the app's read API, called as supabase.rpc('<name>', { ...named arguments }).
-- Every function is STABLE and SECURITY INVOKER: it reads as the caller, so row level security
-- and the caller's privileges apply exactly as to a direct SELECT. Each pins its search_path to ''
-- and names every object with its schema. A bad argument raises SQLSTATE 22023
-- (invalid_parameter_value); no benchmark for the arguments raises P0002 (no_data_found); no
-- error is turned into an empty answer. Only signed-in users (authenticated) may EXECUTE.
-- Safe to re-run: CREATE OR REPLACE, REVOKE, GRANT and COMMENT are idempotent.

-- The indication groups of benchmark_trials.indication_category: one definition, which the
-- tests hold equal to benchmark_pipeline/lib/trials/indication.py (PSYCHIATRIC, CATEGORIES).
-- NULL for NULL or a category the classifier does not have.
CREATE OR REPLACE FUNCTION public.benchmark_indication_group(indication_category text)
RETURNS text
LANGUAGE sql STABLE SECURITY INVOKER
SET search_path = ''
AS $$
    SELECT CASE
        WHEN benchmark_indication_group.indication_category IN (
            'perinatal_depression', 'bipolar_depression', 'suicidality', 'end_of_life_distress',
            'ptsd', 'ocd', 'eating_disorder', 'alcohol_use_disorder', 'opioid_use_disorder',
            'tobacco_use_disorder', 'other_substance_use_disorder', 'depression', 'anxiety'
        ) THEN 'psychiatric'
        WHEN benchmark_indication_group.indication_category IN (
            'chronic_pain', 'acute_or_perioperative_pain'
        ) THEN 'pain'
        WHEN benchmark_indication_group.indication_category = 'anaesthesia_or_sedation'
            THEN 'anaesthesia'
        WHEN benchmark_indication_group.indication_category = 'ect' THEN 'ect'
        WHEN benchmark_indication_group.indication_category = 'healthy_volunteers'
            THEN 'healthy_volunteers'
        WHEN benchmark_indication_group.indication_category = 'other' THEN 'other'
    END
$$;

-- Every modality of a trial (the primary one alone when the list is empty or absent).
CREATE OR REPLACE FUNCTION public.benchmark_trial_modalities(modality text, modalities text[])
RETURNS text[]
LANGUAGE sql STABLE SECURITY INVOKER
SET search_path = ''
AS $$
    SELECT CASE
        WHEN cardinality(benchmark_trial_modalities.modalities) > 0
            THEN benchmark_trial_modalities.modalities
        ELSE ARRAY[benchmark_trial_modalities.modality]
    END
$$;

-- An instrument argument must be one benchmark_instruments lists or a cohort uses ('mixed').
CREATE OR REPLACE FUNCTION public.benchmark_require_instrument(instrument text)
RETURNS void
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = ''
AS $$
BEGIN
    IF benchmark_require_instrument.instrument IS NULL
       OR EXISTS (SELECT FROM public.benchmark_instruments i
                  WHERE i.name = benchmark_require_instrument.instrument)
       OR EXISTS (SELECT FROM public.benchmark_cohorts c
                  WHERE c.instrument = benchmark_require_instrument.instrument) THEN
        RETURN;
    END IF;
    RAISE EXCEPTION USING
        ERRCODE = '22023',
        MESSAGE = format('unknown instrument %L', benchmark_require_instrument.instrument),
        DETAIL = format('known instruments: %s', (
            SELECT string_agg(n, ', ' ORDER BY n) FROM (
                SELECT i.name FROM public.benchmark_instruments i
                UNION SELECT c.instrument FROM public.benchmark_cohorts c) AS known(n)));
END
$$;

-- The benchmark rule, in one place. Candidates: cohorts of the modality and condition (NULL =
-- any). Without scored_only, a pooled meta-analysis qualifies whatever its instrument and any
-- other cohort must use the instrument (when given); with scored_only, only cohorts reporting
-- the instrument as a change (change_mean) or an endpoint (endpoint_mean) qualify. Order:
-- pooled meta-analyses (step 1), then clinical-trial cohorts (step 2), then any other setting
-- (step 3); within a step the largest N, then the most recent (the latest year in the cohort's
-- name), then the name. Returns the first, with the reason it was chosen; no row when none.
CREATE OR REPLACE FUNCTION public.benchmark_choose_cohort(
    modality text, condition text, instrument text, scored_only boolean)
RETURNS TABLE (cohort_id uuid, rule_step integer, chosen_because text)
LANGUAGE sql STABLE SECURITY INVOKER
SET search_path = ''
AS $$
    WITH candidates AS (
        SELECT
            c.id, c.cohort_name, c.setting, c.n_participants,
            CASE c.setting WHEN 'meta_analysis' THEN 1 WHEN 'clinical_trial' THEN 2 ELSE 3 END
                AS step,
            (SELECT max(y[1])::integer
             FROM regexp_matches(c.cohort_name, '\m((?:19|20)[0-9]{2})\M', 'g') AS y) AS year
        FROM public.benchmark_cohorts c
        WHERE (benchmark_choose_cohort.modality IS NULL
               OR c.modality = benchmark_choose_cohort.modality)
          AND (benchmark_choose_cohort.condition IS NULL
               OR c.condition = benchmark_choose_cohort.condition)
          AND CASE
                WHEN benchmark_choose_cohort.scored_only THEN
                    c.instrument = benchmark_choose_cohort.instrument
                    AND (c.change_mean IS NOT NULL OR c.endpoint_mean IS NOT NULL)
                ELSE benchmark_choose_cohort.instrument IS NULL
                    OR c.setting = 'meta_analysis'
                    OR c.instrument = benchmark_choose_cohort.instrument
              END
    ), ranked AS (
        SELECT
            candidates.*,
            row_number() OVER (ORDER BY step, n_participants DESC, year DESC NULLS LAST,
                                        cohort_name) AS rank,
            count(*) OVER (PARTITION BY step) AS in_step,
            count(*) OVER (PARTITION BY step, n_participants) AS same_n
        FROM candidates
    )
    SELECT
        r.id,
        r.step,
        format(
            '%s%s %s of %s candidate(s) in this step, for modality %s, condition %s, '
            'instrument %s.%s',
            CASE WHEN benchmark_choose_cohort.scored_only THEN format(
                'Among cohorts reporting %s as a change or an endpoint: ',
                benchmark_choose_cohort.instrument) ELSE '' END,
            CASE r.step
                WHEN 1 THEN 'Rule step 1: a pooled meta-analysis comes first;'
                WHEN 2 THEN 'Rule step 2: no pooled meta-analysis matched, so the clinical-trial '
                            'cohort with the largest N;'
                ELSE 'Rule step 3: no pooled meta-analysis or clinical-trial cohort matched, so '
                     'the cohort with the largest N;'
            END,
            format('N = %s, the largest', r.n_participants),
            r.in_step,
            coalesce(benchmark_choose_cohort.modality, 'any'),
            coalesce(benchmark_choose_cohort.condition, 'any'),
            coalesce(benchmark_choose_cohort.instrument, 'any'),
            CASE WHEN r.same_n > 1 THEN format(
                ' %s cohort(s) share that N: the most recent (year %s in its name) was taken.',
                r.same_n, coalesce(r.year::text, 'unknown')) ELSE '' END)
    FROM ranked r
    WHERE r.rank = 1
$$;

-- Counts for a dashboard: trials (current ones by indication group, and those the registry no
-- longer returns, counted apart), trials per modality, cohorts, pooled meta-analyses, study
-- outcome rows, population baselines, instruments, and when each table last changed.
CREATE OR REPLACE FUNCTION public.benchmark_summary()
RETURNS jsonb
LANGUAGE sql STABLE SECURITY INVOKER
SET search_path = ''
AS $$
    WITH current_trials AS (
        SELECT
            t.id,
            public.benchmark_trial_modalities(t.modality, t.modalities) AS modalities,
            coalesce(public.benchmark_indication_group(t.indication_category), 'unclassified')
                AS indication_group
        FROM public.benchmark_trials t
        WHERE t.missing_since IS NULL
    ), by_modality AS (
        SELECT
            m.modality,
            count(DISTINCT t.id) AS current,
            count(DISTINCT t.id) FILTER (WHERE t.indication_group = 'psychiatric') AS psychiatric
        FROM current_trials t CROSS JOIN LATERAL unnest(t.modalities) AS m(modality)
        GROUP BY m.modality
    )
    SELECT jsonb_build_object(
        'trials', jsonb_build_object(
            'current', (SELECT count(*) FROM current_trials),
            'psychiatric', (SELECT count(*) FROM current_trials
                            WHERE indication_group = 'psychiatric'),
            'pain', (SELECT count(*) FROM current_trials WHERE indication_group = 'pain'),
            'anaesthesia', (SELECT count(*) FROM current_trials
                            WHERE indication_group = 'anaesthesia'),
            'ect', (SELECT count(*) FROM current_trials WHERE indication_group = 'ect'),
            'healthy_volunteers', (SELECT count(*) FROM current_trials
                                   WHERE indication_group = 'healthy_volunteers'),
            'other', (SELECT count(*) FROM current_trials WHERE indication_group = 'other'),
            'unclassified', (SELECT count(*) FROM current_trials
                             WHERE indication_group = 'unclassified'),
            'missing_from_registry', (SELECT count(*) FROM public.benchmark_trials t
                                      WHERE t.missing_since IS NOT NULL)),
        'trials_by_modality', coalesce(
            (SELECT jsonb_object_agg(b.modality, jsonb_build_object(
                        'current', b.current, 'psychiatric', b.psychiatric))
             FROM by_modality b),
            '{}'::jsonb),
        'cohorts', (SELECT count(*) FROM public.benchmark_cohorts c
                    WHERE c.setting IS DISTINCT FROM 'meta_analysis'),
        'pooled_meta_analyses', (SELECT count(*) FROM public.benchmark_cohorts c
                                 WHERE c.setting = 'meta_analysis'),
        'study_outcome_rows', (SELECT count(*) FROM public.benchmark_study_outcomes),
        'population_baselines', (SELECT count(*) FROM public.population_baselines),
        'instruments', (SELECT count(*) FROM public.benchmark_instruments),
        'last_changed', jsonb_build_object(
            'benchmark_trials', (SELECT max(t.updated_at) FROM public.benchmark_trials t),
            'benchmark_cohorts', (SELECT max(c.updated_at) FROM public.benchmark_cohorts c),
            'benchmark_study_outcomes', (SELECT max(o.updated_at)
                                         FROM public.benchmark_study_outcomes o),
            'population_baselines', (SELECT max(b.updated_at) FROM public.population_baselines b),
            'benchmark_instruments', (SELECT max(i.updated_at)
                                      FROM public.benchmark_instruments i)))
$$;

-- Every modality with a current trial or a cohort, with its counts.
CREATE OR REPLACE FUNCTION public.benchmark_modalities()
RETURNS TABLE (
    modality text, trials bigint, psychiatric_trials bigint, cohorts bigint,
    pooled_meta_analyses bigint)
LANGUAGE sql STABLE SECURITY INVOKER
SET search_path = ''
AS $$
    WITH trial_counts AS (
        SELECT
            m.modality,
            count(DISTINCT t.id) AS trials,
            count(DISTINCT t.id) FILTER (
                WHERE public.benchmark_indication_group(t.indication_category) = 'psychiatric'
            ) AS psychiatric_trials
        FROM public.benchmark_trials t
        CROSS JOIN LATERAL unnest(public.benchmark_trial_modalities(t.modality, t.modalities))
            AS m(modality)
        WHERE t.missing_since IS NULL
        GROUP BY m.modality
    ), cohort_counts AS (
        SELECT
            c.modality,
            count(*) FILTER (WHERE c.setting IS DISTINCT FROM 'meta_analysis') AS cohorts,
            count(*) FILTER (WHERE c.setting = 'meta_analysis') AS pooled_meta_analyses
        FROM public.benchmark_cohorts c
        GROUP BY c.modality
    )
    SELECT
        coalesce(t.modality, c.modality),
        coalesce(t.trials, 0),
        coalesce(t.psychiatric_trials, 0),
        coalesce(c.cohorts, 0),
        coalesce(c.pooled_meta_analyses, 0)
    FROM trial_counts t FULL JOIN cohort_counts c ON c.modality = t.modality
    ORDER BY 1
$$;

-- Current trials of a modality (NULL = every modality), psychiatric ones only by default.
CREATE OR REPLACE FUNCTION public.benchmark_trial_count(
    modality text DEFAULT NULL, psychiatric_only boolean DEFAULT true)
RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = ''
AS $$
BEGIN
    IF benchmark_trial_count.psychiatric_only IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = 'psychiatric_only must be true or false, not null';
    END IF;
    RETURN (
        SELECT count(*)
        FROM public.benchmark_trials t
        WHERE t.missing_since IS NULL
          AND (benchmark_trial_count.modality IS NULL
               OR benchmark_trial_count.modality
                  = ANY (public.benchmark_trial_modalities(t.modality, t.modalities)))
          AND (NOT benchmark_trial_count.psychiatric_only
               OR public.benchmark_indication_group(t.indication_category) = 'psychiatric'));
END
$$;

-- One page of current trials (NULL filters = any), most recently started first, then by NCT id.
CREATE OR REPLACE FUNCTION public.benchmark_trials_for(
    modality text DEFAULT NULL,
    indication_category text DEFAULT NULL,
    status text DEFAULT NULL,
    page_size integer DEFAULT 50,
    page integer DEFAULT 1)
RETURNS SETOF public.benchmark_trials
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = ''
AS $$
BEGIN
    IF benchmark_trials_for.page_size IS NULL
       OR benchmark_trials_for.page_size NOT BETWEEN 1 AND 500 THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = format('page_size must be between 1 and 500, not %s',
                             coalesce(benchmark_trials_for.page_size::text, 'null'));
    END IF;
    IF benchmark_trials_for.page IS NULL OR benchmark_trials_for.page < 1 THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = format('page must be 1 or more, not %s',
                             coalesce(benchmark_trials_for.page::text, 'null'));
    END IF;
    IF benchmark_trials_for.indication_category IS NOT NULL
       AND public.benchmark_indication_group(benchmark_trials_for.indication_category) IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = format('unknown indication_category %L',
                             benchmark_trials_for.indication_category),
            HINT = 'the categories are those of benchmark_trials.indication_category (README, Trials, Indication)';
    END IF;
    RETURN QUERY
        SELECT t.*
        FROM public.benchmark_trials t
        WHERE t.missing_since IS NULL
          AND (benchmark_trials_for.modality IS NULL
               OR benchmark_trials_for.modality
                  = ANY (public.benchmark_trial_modalities(t.modality, t.modalities)))
          AND (benchmark_trials_for.indication_category IS NULL
               OR t.indication_category = benchmark_trials_for.indication_category)
          AND (benchmark_trials_for.status IS NULL OR t.status = benchmark_trials_for.status)
        ORDER BY t.start_date DESC NULLS LAST, t.nct_id
        LIMIT benchmark_trials_for.page_size
        OFFSET (benchmark_trials_for.page::bigint - 1) * benchmark_trials_for.page_size;
END
$$;

-- Cohorts (pooled meta-analyses included) of a modality, condition and instrument (NULL = any),
-- in the benchmark rule's order within each modality and condition.
CREATE OR REPLACE FUNCTION public.benchmark_cohorts_for(
    modality text DEFAULT NULL, condition text DEFAULT NULL, instrument text DEFAULT NULL)
RETURNS SETOF public.benchmark_cohorts
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = ''
AS $$
BEGIN
    PERFORM public.benchmark_require_instrument(benchmark_cohorts_for.instrument);
    RETURN QUERY
        SELECT c.*
        FROM public.benchmark_cohorts c
        WHERE (benchmark_cohorts_for.modality IS NULL
               OR c.modality = benchmark_cohorts_for.modality)
          AND (benchmark_cohorts_for.condition IS NULL
               OR c.condition = benchmark_cohorts_for.condition)
          AND (benchmark_cohorts_for.instrument IS NULL
               OR c.instrument = benchmark_cohorts_for.instrument)
        ORDER BY c.modality, c.condition,
                 CASE c.setting WHEN 'meta_analysis' THEN 1 WHEN 'clinical_trial' THEN 2 ELSE 3 END,
                 c.n_participants DESC, c.cohort_name;
END
$$;

-- The benchmark a clinician should compare with (benchmark_choose_cohort's rule): the cohort's
-- row with rule_step and chosen_because added.
CREATE OR REPLACE FUNCTION public.primary_benchmark(
    modality text DEFAULT NULL, condition text DEFAULT NULL, instrument text DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = ''
AS $$
DECLARE
    chosen record;
BEGIN
    PERFORM public.benchmark_require_instrument(primary_benchmark.instrument);
    SELECT * INTO chosen FROM public.benchmark_choose_cohort(
        modality => primary_benchmark.modality,
        condition => primary_benchmark.condition,
        instrument => primary_benchmark.instrument,
        scored_only => false);
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'P0002',
            MESSAGE = format('no benchmark cohort for modality %s, condition %s, instrument %s',
                             coalesce(primary_benchmark.modality, 'any'),
                             coalesce(primary_benchmark.condition, 'any'),
                             coalesce(primary_benchmark.instrument, 'any')),
            HINT = 'benchmark_cohorts_for() lists the cohorts there are';
    END IF;
    RETURN (
        SELECT to_jsonb(c) || jsonb_build_object(
            'rule_step', chosen.rule_step, 'chosen_because', chosen.chosen_because)
        FROM public.benchmark_cohorts c
        WHERE c.id = chosen.cohort_id);
END
$$;

-- A patient's scores beside the benchmark: the patient's change (current - baseline) beside the
-- cohort's mean change, or, when the cohort reports only an endpoint, the patient's current
-- score beside the cohort's endpoint mean; the difference (patient - benchmark); and a label
-- from the instrument's direction and verified band (|difference| <= band: similar), or no
-- label, with the reason, when no band is known.
CREATE OR REPLACE FUNCTION public.benchmark_comparison(
    instrument text,
    baseline_score numeric,
    current_score numeric,
    modality text DEFAULT NULL,
    condition text DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = ''
AS $$
DECLARE
    scale public.benchmark_instruments;
    chosen record;
    cohort public.benchmark_cohorts;
    compared text;
    patient_value numeric;
    benchmark_value numeric;
    difference numeric;
    label text;
    reason text;
BEGIN
    IF benchmark_comparison.instrument IS NULL
       OR benchmark_comparison.baseline_score IS NULL
       OR benchmark_comparison.current_score IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = 'instrument, baseline_score and current_score are required';
    END IF;
    SELECT * INTO scale FROM public.benchmark_instruments i
    WHERE i.name = benchmark_comparison.instrument;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = format('unknown instrument %L: no score range in benchmark_instruments',
                             benchmark_comparison.instrument),
            DETAIL = format('instruments with a score range: %s',
                            (SELECT string_agg(i.name, ', ' ORDER BY i.name)
                             FROM public.benchmark_instruments i));
    END IF;
    IF benchmark_comparison.baseline_score NOT BETWEEN scale.score_min AND scale.score_max THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = format('baseline_score %s is outside the %s range %s-%s',
                             benchmark_comparison.baseline_score, scale.name,
                             scale.score_min, scale.score_max);
    END IF;
    IF benchmark_comparison.current_score NOT BETWEEN scale.score_min AND scale.score_max THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = format('current_score %s is outside the %s range %s-%s',
                             benchmark_comparison.current_score, scale.name,
                             scale.score_min, scale.score_max);
    END IF;
    SELECT * INTO chosen FROM public.benchmark_choose_cohort(
        modality => benchmark_comparison.modality,
        condition => benchmark_comparison.condition,
        instrument => scale.name,
        scored_only => true);
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'P0002',
            MESSAGE = format(
                'no benchmark cohort reports %s as a change or an endpoint for modality %s, '
                'condition %s', scale.name,
                coalesce(benchmark_comparison.modality, 'any'),
                coalesce(benchmark_comparison.condition, 'any')),
            HINT = 'benchmark_cohorts_for() lists the cohorts there are and what they report';
    END IF;
    SELECT * INTO cohort FROM public.benchmark_cohorts c WHERE c.id = chosen.cohort_id;

    IF cohort.change_mean IS NOT NULL THEN
        compared := 'change';
        patient_value := benchmark_comparison.current_score - benchmark_comparison.baseline_score;
        benchmark_value := cohort.change_mean;
    ELSE
        compared := 'endpoint';
        patient_value := benchmark_comparison.current_score;
        benchmark_value := cohort.endpoint_mean;
    END IF;
    difference := patient_value - benchmark_value;

    IF scale.similar_band IS NULL THEN
        label := NULL;
        reason := format(
            'No published band of similar difference is known for %s, so no label is given '
            '(benchmark_instruments.notes says why).', scale.name);
    ELSIF abs(difference) <= scale.similar_band THEN
        label := 'similar';
        reason := format(
            'The %s differs from the benchmark''s by %s points, within the %s band of %s points '
            '(%s; %s; doi:%s).', compared, abs(difference), scale.name, scale.similar_band,
            scale.band_kind, scale.band_source, scale.band_doi);
    ELSE
        label := CASE WHEN (difference < 0) = scale.lower_is_better THEN 'better' ELSE 'worse' END;
        reason := format(
            'The %s is %s points %s than the benchmark''s, beyond the %s band of %s points '
            '(%s; %s; doi:%s); on %s %s scores are better.', compared, abs(difference),
            CASE WHEN difference < 0 THEN 'lower' ELSE 'higher' END, scale.name,
            scale.similar_band, scale.band_kind, scale.band_source, scale.band_doi, scale.name,
            CASE WHEN scale.lower_is_better THEN 'lower' ELSE 'higher' END);
    END IF;

    RETURN jsonb_build_object(
        'instrument', scale.name,
        'compared', compared,
        'baseline_score', benchmark_comparison.baseline_score,
        'current_score', benchmark_comparison.current_score,
        'patient_change', benchmark_comparison.current_score - benchmark_comparison.baseline_score,
        'patient_value', patient_value,
        'benchmark_value', benchmark_value,
        'difference', difference,
        'direction_label', label,
        'label_reason', reason,
        'lower_is_better', scale.lower_is_better,
        'similar_band', scale.similar_band,
        'band_source', scale.band_source,
        'band_doi', scale.band_doi,
        'benchmark', to_jsonb(cohort) || jsonb_build_object(
            'rule_step', chosen.rule_step, 'chosen_because', chosen.chosen_because));
END
$$;

-- Least privilege (as 062): Supabase's default privileges (and PostgreSQL's, for PUBLIC) let
-- anyone EXECUTE a new function; only signed-in users may call these.
REVOKE EXECUTE ON FUNCTION
    public.benchmark_indication_group(text),
    public.benchmark_trial_modalities(text, text[]),
    public.benchmark_require_instrument(text),
    public.benchmark_choose_cohort(text, text, text, boolean),
    public.benchmark_summary(),
    public.benchmark_modalities(),
    public.benchmark_trial_count(text, boolean),
    public.benchmark_trials_for(text, text, text, integer, integer),
    public.benchmark_cohorts_for(text, text, text),
    public.primary_benchmark(text, text, text),
    public.benchmark_comparison(text, numeric, numeric, text, text)
    FROM PUBLIC, anon;
GRANT EXECUTE ON FUNCTION
    public.benchmark_indication_group(text),
    public.benchmark_trial_modalities(text, text[]),
    public.benchmark_require_instrument(text),
    public.benchmark_choose_cohort(text, text, text, boolean),
    public.benchmark_summary(),
    public.benchmark_modalities(),
    public.benchmark_trial_count(text, boolean),
    public.benchmark_trials_for(text, text, text, integer, integer),
    public.benchmark_cohorts_for(text, text, text),
    public.primary_benchmark(text, text, text),
    public.benchmark_comparison(text, numeric, numeric, text, text)
    TO authenticated;

COMMENT ON FUNCTION public.benchmark_indication_group(text) IS
    'Indication group of a trial''s indication_category: psychiatric, pain, anaesthesia, ect, '
    'healthy_volunteers or other; NULL for NULL or an unknown category. Used by the read API.';
COMMENT ON FUNCTION public.benchmark_trial_modalities(text, text[]) IS
    'Every modality of a trial: modalities, or the primary modality alone when that list is empty.';
COMMENT ON FUNCTION public.benchmark_require_instrument(text) IS
    'Raises 22023 when an instrument argument is neither in benchmark_instruments nor used by a '
    'cohort; NULL passes. Used by the read API.';
COMMENT ON FUNCTION public.benchmark_choose_cohort(text, text, text, boolean) IS
    'The benchmark rule: pooled meta-analysis first, then the clinical-trial cohort with the '
    'instrument and the largest N (ties: most recent, then name), then any other cohort. Returns '
    'the chosen cohort''s id, rule step and reason. Used by primary_benchmark and '
    'benchmark_comparison.';
COMMENT ON FUNCTION public.benchmark_summary() IS
    'Counts for a dashboard: current trials by indication group (trials no longer in the '
    'registry apart), trials by modality, cohorts, pooled meta-analyses, study outcome rows, '
    'population baselines, instruments, and each table''s last change (max updated_at).';
COMMENT ON FUNCTION public.benchmark_modalities() IS
    'Every modality with a current trial or a cohort: trials, psychiatric trials, cohorts, '
    'pooled meta-analyses.';
COMMENT ON FUNCTION public.benchmark_trial_count(text, boolean) IS
    'Current trials of a modality (NULL = all), psychiatric indications only unless '
    'psychiatric_only is false.';
COMMENT ON FUNCTION public.benchmark_trials_for(text, text, text, integer, integer) IS
    'One page (page_size 1-500, page from 1) of current trials of a modality, indication '
    'category and registry status (NULL = any), most recently started first.';
COMMENT ON FUNCTION public.benchmark_cohorts_for(text, text, text) IS
    'Cohorts and pooled meta-analyses of a modality, condition and instrument (NULL = any).';
COMMENT ON FUNCTION public.primary_benchmark(text, text, text) IS
    'The benchmark to compare with (pooled meta-analysis first, then the largest clinical-trial '
    'cohort with the instrument): the cohort''s row with rule_step and chosen_because. P0002 '
    'when no cohort matches.';
COMMENT ON FUNCTION public.benchmark_comparison(text, numeric, numeric, text, text) IS
    'A patient''s change (or current score) beside the benchmark cohort''s mean change (or '
    'endpoint), the difference and a better/similar/worse label from the instrument''s direction '
    'and verified band; label NULL with label_reason when no band is known. 22023 for a bad '
    'argument, P0002 when no cohort reports the instrument.';
