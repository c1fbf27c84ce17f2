-- 071: the read API draws on registry results (benchmark_trial_results, 070) as the fourth step
-- of the benchmark rule: when no pooled meta-analysis (1), clinical-trial cohort (2) or other
-- cohort (3) qualifies, the active arm posted on ClinicalTrials.gov with the patient's instrument
-- as a mean change or endpoint with its SD and the largest analysed N. Such an arm is returned as
-- a record shaped like a row of benchmark_cohorts (setting 'registry_results', id NULL: it is not
-- a stored cohort), so primary_benchmark, benchmark_comparison and benchmark_cohorts_for keep
-- their signatures and return types. New: benchmark_registry_candidates (step 4 in one place)
-- and benchmark_trial_results_for (the posted rows). Conventions as 068: STABLE, SECURITY
-- INVOKER, search_path '', every object named with its schema; 22023 for a bad argument, P0002
-- for no benchmark; only signed-in users (authenticated) may EXECUTE.
-- Safe to re-run: CREATE OR REPLACE, REVOKE, GRANT and COMMENT are idempotent.

-- Step 4 of the benchmark rule, in one place. Candidates: rows of benchmark_trial_results usable
-- as a benchmark (comparable, not held for review, the active arm; a recognised instrument, the
-- one asked for when given; a change or an endpoint; a posted mean with a posted SD; analysed
-- N > 0; the value within what the instrument's scale allows), of the modality (the row's own,
-- else the trial's modalities) and of the condition (a registered condition or the trial's
-- indication category, ignoring case), NULL = any. Order: the largest analysed N, then the
-- latest last update, then nct_id, measure, group, class and category. Each comes as a record
-- shaped like a row of benchmark_cohorts, with its key in the registry (registry_result);
-- chosen_because is set on the first (rank 1) only.
CREATE OR REPLACE FUNCTION public.benchmark_registry_candidates(
    modality text, condition text, instrument text)
RETURNS TABLE (
    rank bigint, candidates bigint, cohort public.benchmark_cohorts, registry_result jsonb,
    chosen_because text)
LANGUAGE sql STABLE SECURITY INVOKER
SET search_path = ''
AS $$
    WITH usable AS (
        SELECT
            r.*,
            t.country,
            t.conditions,
            t.indication_category,
            public.benchmark_trial_modalities(t.modality, t.modalities) AS trial_modalities,
            -- A change can span the whole scale either way; an endpoint is a score on it.
            CASE r.quantity
                WHEN 'change' THEN abs(r.value) <= i.score_max - i.score_min
                ELSE r.value BETWEEN i.score_min AND i.score_max
            END AS on_scale
        FROM public.benchmark_trial_results r
        JOIN public.benchmark_instruments i ON i.name = r.instrument
        JOIN public.benchmark_trials t ON t.nct_id = r.nct_id AND t.missing_since IS NULL
        WHERE r.comparable
          AND NOT r.held_for_review
          AND r.arm_role = 'active'
          AND (benchmark_registry_candidates.instrument IS NULL
               OR r.instrument = benchmark_registry_candidates.instrument)
          AND r.quantity IN ('change', 'endpoint')
          AND r.value IS NOT NULL
          AND r.dispersion_kind = 'standard_deviation'
          AND r.spread >= 0
          AND r.analysed_n > 0
          AND (benchmark_registry_candidates.modality IS NULL
               OR CASE WHEN r.modality IS NOT NULL
                       THEN r.modality = benchmark_registry_candidates.modality
                       ELSE benchmark_registry_candidates.modality
                            = ANY (public.benchmark_trial_modalities(t.modality, t.modalities))
                  END)
          AND (benchmark_registry_candidates.condition IS NULL
               OR lower(t.indication_category) = lower(benchmark_registry_candidates.condition)
               OR EXISTS (SELECT FROM unnest(t.conditions) AS registered(name)
                          WHERE lower(registered.name)
                                = lower(benchmark_registry_candidates.condition)))
    ), ranked AS (
        SELECT
            u.*,
            row_number() OVER (ORDER BY u.analysed_n DESC, u.last_update_date DESC NULLS LAST,
                                        u.nct_id, u.measure_no, u.group_id, u.class_no,
                                        u.category_no) AS rank,
            count(*) OVER () AS candidates,
            count(*) OVER (PARTITION BY u.analysed_n) AS same_n,
            CASE WHEN coalesce(u.class_title, u.category_title) IS NOT NULL
                 THEN format(' (%s)', concat_ws(', ', u.class_title, u.category_title))
                 ELSE '' END AS class_label,
            concat(', class ' || quote_literal(u.class_title),
                   ', category ' || quote_literal(u.category_title)) AS class_phrase,
            nullif(array_to_string(u.trial_modalities, ', '), '') AS trial_modality_list,
            lower(replace(coalesce(u.outcome_type, 'untyped'), '_', ' ')) AS outcome_label
        FROM usable u
        WHERE u.on_scale
    )
    SELECT
        r.rank,
        r.candidates,
        jsonb_populate_record(NULL::public.benchmark_cohorts, jsonb_build_object(
            'cohort_name', format('%s · %s · %s%s', r.nct_id, coalesce(r.group_title, r.group_id),
                                  coalesce(r.title, format('outcome measure %s', r.measure_no)),
                                  r.class_label),
            'source_citation', format(
                'ClinicalTrials.gov %s, results posted (last update %s), outcome measure %s: %s; '
                'group: %s', r.nct_id, coalesce(r.last_update_date::text, 'unknown'),
                r.measure_no, coalesce(r.title, 'untitled'), coalesce(r.group_title, r.group_id)),
            'modality', coalesce(r.modality, benchmark_registry_candidates.modality,
                                 replace(r.trial_modality_list, ', ', ' + ')),
            'condition', coalesce(benchmark_registry_candidates.condition,
                                  nullif(array_to_string(r.conditions, '; '), ''),
                                  r.indication_category),
            'condition_detail', format(
                'registered conditions: %s; indication category: %s',
                coalesce(nullif(array_to_string(r.conditions, '; '), ''), 'none'),
                coalesce(r.indication_category, 'none')),
            'setting', 'registry_results',
            'n_participants', r.analysed_n,
            'active_arm_n', r.analysed_n,
            'country', r.country,
            'instrument', r.instrument,
            'change_mean', CASE WHEN r.quantity = 'change' THEN r.value END,
            'change_sd', CASE WHEN r.quantity = 'change' THEN r.spread END,
            'endpoint_mean', CASE WHEN r.quantity = 'endpoint' THEN r.value END,
            'endpoint_sd', CASE WHEN r.quantity = 'endpoint' THEN r.spread END,
            'change_detail', CASE WHEN r.quantity = 'change' THEN format(
                'Change from baseline as posted (parameter %s, SD as posted); time frame %L%s',
                coalesce(r.param_type, 'not posted'), coalesce(r.time_frame, 'not posted'),
                r.class_phrase) END,
            'nct_id', r.nct_id,
            'value_sources', format(
                'ClinicalTrials.gov %s results section, outcome measure %s (%s), group %s, '
                'class %s, category %s: value %s, spread %s (%s), analysed N %s (%s level); '
                'instrument recognised from %s', r.nct_id, r.measure_no, r.outcome_label,
                r.group_id, r.class_no, r.category_no, r.value_text, r.spread_text,
                r.dispersion_type, r.analysed_n, coalesce(r.analysed_n_level, 'unknown'),
                r.instrument_match),
            'notes', format(
                'Results the sponsor posted on ClinicalTrials.gov, not a peer-reviewed '
                'publication: one arm (%s), not the whole trial. Parameter %s, dispersion %L, '
                'unit %L, time frame %L. Modality: %s.%s',
                coalesce(r.group_title, r.group_id), coalesce(r.param_type, 'not posted'),
                r.dispersion_type, r.unit_of_measure, r.time_frame,
                CASE WHEN r.modality IS NOT NULL THEN 'the group''s own drug'
                     ELSE format('the group''s drug was not recognised; the trial tests %s',
                                 coalesce(r.trial_modality_list, 'unknown'))
                END,
                CASE WHEN r.comment IS NOT NULL THEN format(' Posted comment: %s', r.comment)
                     ELSE '' END),
            'created_at', r.created_at,
            'updated_at', r.updated_at)),
        jsonb_build_object(
            'nct_id', r.nct_id, 'outcome_type', r.outcome_type, 'measure_no', r.measure_no,
            'group_id', r.group_id, 'class_no', r.class_no, 'category_no', r.category_no,
            'last_update_date', r.last_update_date),
        CASE WHEN r.rank = 1 THEN format(
            'Rule step 4: no pooled meta-analysis or cohort matched, so the results posted on '
            'ClinicalTrials.gov: %s, %s outcome measure %s %L (time frame %L%s), group %s %L '
            '(the active arm), %s with its SD, N = %s analysed, the largest of %s usable '
            'arm(s), for modality %s, condition %s, instrument %s.%s',
            r.nct_id, r.outcome_label, r.measure_no, coalesce(r.title, 'untitled'),
            coalesce(r.time_frame, 'not posted'), r.class_phrase, r.group_id,
            coalesce(r.group_title, ''),
            CASE r.quantity WHEN 'change' THEN 'a mean change' ELSE 'an endpoint mean' END,
            r.analysed_n, r.candidates,
            coalesce(benchmark_registry_candidates.modality, 'any'),
            coalesce(benchmark_registry_candidates.condition, 'any'),
            coalesce(benchmark_registry_candidates.instrument, 'any'),
            CASE WHEN r.same_n > 1 THEN format(
                ' %s arm(s) share that N: the latest last update (%s) was taken, then NCT id, '
                'measure, group, class and category order.',
                r.same_n, coalesce(r.last_update_date::text, 'unknown')) ELSE '' END)
        END
    FROM ranked r
    ORDER BY r.rank
$$;

-- Cohorts (pooled meta-analyses included) of a modality, condition and instrument (NULL = any),
-- in the benchmark rule's order within each modality and condition; when no cohort matches, the
-- registry arms the rule's fourth step would draw on (benchmark_registry_candidates), largest
-- analysed N first.
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
    IF NOT FOUND THEN
        RETURN QUERY
            SELECT (r.cohort).*
            FROM public.benchmark_registry_candidates(
                modality => benchmark_cohorts_for.modality,
                condition => benchmark_cohorts_for.condition,
                instrument => benchmark_cohorts_for.instrument) r
            ORDER BY r.rank;
    END IF;
END
$$;

-- The benchmark a clinician should compare with: benchmark_choose_cohort's steps 1-3, else the
-- registry's step 4 (benchmark_registry_candidates): the cohort's row (or the registry arm's
-- cohort-shaped record, with registry_result) with rule_step and chosen_because added.
CREATE OR REPLACE FUNCTION public.primary_benchmark(
    modality text DEFAULT NULL, condition text DEFAULT NULL, instrument text DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = ''
AS $$
DECLARE
    chosen record;
    registry record;
BEGIN
    PERFORM public.benchmark_require_instrument(primary_benchmark.instrument);
    SELECT * INTO chosen FROM public.benchmark_choose_cohort(
        modality => primary_benchmark.modality,
        condition => primary_benchmark.condition,
        instrument => primary_benchmark.instrument,
        scored_only => false);
    IF FOUND THEN
        RETURN (
            SELECT to_jsonb(c) || jsonb_build_object(
                'rule_step', chosen.rule_step, 'chosen_because', chosen.chosen_because)
            FROM public.benchmark_cohorts c
            WHERE c.id = chosen.cohort_id);
    END IF;
    SELECT * INTO registry FROM public.benchmark_registry_candidates(
        modality => primary_benchmark.modality,
        condition => primary_benchmark.condition,
        instrument => primary_benchmark.instrument) r
    WHERE r.rank = 1;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'P0002',
            MESSAGE = format('no benchmark cohort for modality %s, condition %s, instrument %s',
                             coalesce(primary_benchmark.modality, 'any'),
                             coalesce(primary_benchmark.condition, 'any'),
                             coalesce(primary_benchmark.instrument, 'any')),
            DETAIL = 'nor any registry result usable as a benchmark (an active arm''s posted '
                     'mean change or endpoint with its SD, comparable and not held for review)',
            HINT = 'benchmark_cohorts_for() lists the cohorts there are; '
                   'benchmark_trial_results_for() the posted registry results';
    END IF;
    RETURN to_jsonb(registry.cohort) || jsonb_build_object(
        'rule_step', 4, 'chosen_because', registry.chosen_because,
        'registry_result', registry.registry_result);
END
$$;

-- A patient's scores beside the benchmark (as 068): the patient's change (current - baseline)
-- beside the benchmark's mean change, or, when it reports only an endpoint, the patient's
-- current score beside its endpoint mean; the difference (patient - benchmark); and a label from
-- the instrument's direction and verified band, or no label, with the reason, when no band is
-- known. The benchmark: a cohort reporting the instrument (steps 1-3), else a registry arm
-- (step 4).
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
    registry record;
    cohort public.benchmark_cohorts;
    step integer;
    because text;
    origin jsonb := '{}'::jsonb;
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
    IF FOUND THEN
        SELECT * INTO cohort FROM public.benchmark_cohorts c WHERE c.id = chosen.cohort_id;
        step := chosen.rule_step;
        because := chosen.chosen_because;
    ELSE
        SELECT * INTO registry FROM public.benchmark_registry_candidates(
            modality => benchmark_comparison.modality,
            condition => benchmark_comparison.condition,
            instrument => scale.name) r
        WHERE r.rank = 1;
        IF NOT FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'P0002',
                MESSAGE = format(
                    'no benchmark cohort reports %s as a change or an endpoint for modality %s, '
                    'condition %s', scale.name,
                    coalesce(benchmark_comparison.modality, 'any'),
                    coalesce(benchmark_comparison.condition, 'any')),
                DETAIL = 'nor does any registry result usable as a benchmark (an active arm''s '
                         'posted mean change or endpoint with its SD, comparable and not held '
                         'for review)',
                HINT = 'benchmark_cohorts_for() lists the cohorts there are and what they '
                       'report; benchmark_trial_results_for() the posted registry results';
        END IF;
        cohort := registry.cohort;
        step := 4;
        because := format('Among cohorts reporting %s as a change or an endpoint: none; %s',
                          scale.name, registry.chosen_because);
        origin := jsonb_build_object('registry_result', registry.registry_result);
    END IF;

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
            'rule_step', step, 'chosen_because', because) || origin);
END
$$;

-- The posted registry results (rows of benchmark_trial_results, every row: held, placebo and
-- non-comparable ones included, with their flags) of a trial, instrument and modality (the row's
-- own, else the trial's modalities), NULL = any; by trial, measure, group, class and category.
CREATE OR REPLACE FUNCTION public.benchmark_trial_results_for(
    nct_id text DEFAULT NULL, instrument text DEFAULT NULL, modality text DEFAULT NULL)
RETURNS SETOF public.benchmark_trial_results
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = ''
AS $$
BEGIN
    PERFORM public.benchmark_require_instrument(benchmark_trial_results_for.instrument);
    RETURN QUERY
        SELECT r.*
        FROM public.benchmark_trial_results r
        LEFT JOIN public.benchmark_trials t ON t.nct_id = r.nct_id
        WHERE (benchmark_trial_results_for.nct_id IS NULL
               OR r.nct_id = benchmark_trial_results_for.nct_id)
          AND (benchmark_trial_results_for.instrument IS NULL
               OR r.instrument = benchmark_trial_results_for.instrument)
          AND (benchmark_trial_results_for.modality IS NULL
               OR CASE WHEN r.modality IS NOT NULL
                       THEN r.modality = benchmark_trial_results_for.modality
                       ELSE benchmark_trial_results_for.modality
                            = ANY (public.benchmark_trial_modalities(t.modality, t.modalities))
                  END)
        ORDER BY r.nct_id, r.measure_no, r.group_id, r.class_no, r.category_no;
END
$$;

-- Least privilege (as 062 and 068): Supabase's default privileges (and PostgreSQL's, for PUBLIC)
-- let anyone EXECUTE a new function; only signed-in users may call these. CREATE OR REPLACE
-- keeps the privileges of the functions 068 created; they are restated here all the same.
REVOKE EXECUTE ON FUNCTION
    public.benchmark_registry_candidates(text, text, text),
    public.benchmark_cohorts_for(text, text, text),
    public.primary_benchmark(text, text, text),
    public.benchmark_comparison(text, numeric, numeric, text, text),
    public.benchmark_trial_results_for(text, text, text)
    FROM PUBLIC, anon;
GRANT EXECUTE ON FUNCTION
    public.benchmark_registry_candidates(text, text, text),
    public.benchmark_cohorts_for(text, text, text),
    public.primary_benchmark(text, text, text),
    public.benchmark_comparison(text, numeric, numeric, text, text),
    public.benchmark_trial_results_for(text, text, text)
    TO authenticated;

COMMENT ON FUNCTION public.benchmark_choose_cohort(text, text, text, boolean) IS
    'Steps 1-3 of the benchmark rule: pooled meta-analysis first, then the clinical-trial cohort '
    'with the instrument and the largest N (ties: most recent, then name), then any other '
    'cohort. Returns the chosen cohort''s id, rule step and reason; no row when no cohort '
    'qualifies (step 4, registry results, is benchmark_registry_candidates). Used by '
    'primary_benchmark and benchmark_comparison.';
COMMENT ON FUNCTION public.benchmark_registry_candidates(text, text, text) IS
    'Step 4 of the benchmark rule: the registry arms usable as a benchmark (comparable, not '
    'held, active arm, the instrument as a posted mean change or endpoint with its SD, analysed '
    'N > 0) of a modality, condition and instrument (NULL = any), largest analysed N first, each '
    'as a record shaped like a benchmark_cohorts row (setting registry_results) with its '
    'registry key; chosen_because on rank 1.';
COMMENT ON FUNCTION public.benchmark_cohorts_for(text, text, text) IS
    'Cohorts and pooled meta-analyses of a modality, condition and instrument (NULL = any); when '
    'none matches, the usable registry arms (setting registry_results, id NULL), largest '
    'analysed N first.';
COMMENT ON FUNCTION public.primary_benchmark(text, text, text) IS
    'The benchmark to compare with (pooled meta-analysis first, then the largest clinical-trial '
    'cohort with the instrument, then any other cohort, then the registry''s active arm with the '
    'largest analysed N): the row with rule_step and chosen_because (and registry_result at '
    'step 4). P0002 when nothing matches.';
COMMENT ON FUNCTION public.benchmark_comparison(text, numeric, numeric, text, text) IS
    'A patient''s change (or current score) beside the benchmark''s mean change (or endpoint): '
    'a cohort reporting the instrument, else a registry arm (rule step 4); the difference and a '
    'better/similar/worse label from the instrument''s direction and verified band; label NULL '
    'with label_reason when no band is known. 22023 for a bad argument, P0002 when nothing '
    'reports the instrument.';
COMMENT ON FUNCTION public.benchmark_trial_results_for(text, text, text) IS
    'The posted registry results (rows of benchmark_trial_results, flags included) of a trial, '
    'instrument and modality (the row''s own, else the trial''s modalities; NULL = any), by '
    'nct_id, measure_no, group_id, class_no, category_no.';
