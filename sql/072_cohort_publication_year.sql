-- 072: a cohort's recency is a fact of its citation, held in its own column. publication_year is
-- the year of the cited article's issue (or, where only an online-first date was verified, that
-- year, as value_sources says), and for a pooled Metapsy row the year of the dataset release it
-- was computed from. The benchmark rule breaks a tie on N with it, then with cohort_name (the
-- table's unique key); no function reads a year from a cohort's display name any more.
-- benchmark_choose_cohort and benchmark_cohorts_for are replaced (conventions as 068 and 071:
-- STABLE, SECURITY INVOKER, search_path '', every object named with its schema; only signed-in
-- users may EXECUTE). primary_benchmark and benchmark_comparison call benchmark_choose_cohort and
-- need no change.
-- The latest year allowed is the current year in UTC, as the validator's. Safe to re-run: the
-- column (with its CHECK) is added only when missing; CREATE OR REPLACE,
-- REVOKE, GRANT and COMMENT are idempotent.

ALTER TABLE public.benchmark_cohorts
    ADD COLUMN IF NOT EXISTS publication_year integer
        CONSTRAINT benchmark_cohorts_publication_year_range
        CHECK (publication_year BETWEEN 1900
                                    AND extract(year FROM now() AT TIME ZONE 'UTC')::integer);

COMMENT ON COLUMN public.benchmark_cohorts.publication_year IS
    'Year the cited source was published, verified like every other value (value_sources says '
    'where): the year of the cited article''s issue, or the online-first year where only that '
    'was verified (value_sources says so). For a pooled meta-analysis row computed from a Metapsy '
    'dataset (setting meta_analysis) it is the release year of that dataset release (the date of '
    'its release tag), not a publication year. The year appears in source_citation. NULL = not '
    'verified. The read API breaks a tie on N with it (most recent first), never with a year in '
    'cohort_name.';

-- The benchmark rule, in one place. Candidates: cohorts of the modality and condition (NULL =
-- any). Without scored_only, a pooled meta-analysis qualifies whatever its instrument and any
-- other cohort must use the instrument (when given); with scored_only, only cohorts reporting
-- the instrument as a change (change_mean) or an endpoint (endpoint_mean) qualify. Order:
-- pooled meta-analyses (step 1), then clinical-trial cohorts (step 2), then any other setting
-- (step 3); within a step the largest N, then the latest publication_year (a cohort without
-- one after those with one), then cohort_name. Returns the first, with the reason it was
-- chosen; no row when none.
CREATE OR REPLACE FUNCTION public.benchmark_choose_cohort(
    modality text, condition text, instrument text, scored_only boolean)
RETURNS TABLE (cohort_id uuid, rule_step integer, chosen_because text)
LANGUAGE sql STABLE SECURITY INVOKER
SET search_path = ''
AS $$
    WITH candidates AS (
        SELECT
            c.id, c.cohort_name, c.source_citation, c.setting, c.n_participants,
            c.publication_year,
            CASE c.setting WHEN 'meta_analysis' THEN 1 WHEN 'clinical_trial' THEN 2 ELSE 3 END
                AS step
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
            row_number() OVER (ORDER BY step, n_participants DESC,
                                        publication_year DESC NULLS LAST, cohort_name) AS rank,
            count(*) OVER (PARTITION BY step) AS in_step,
            count(*) OVER (PARTITION BY step, n_participants) AS same_n,
            count(*) OVER (PARTITION BY step, n_participants, publication_year) AS same_year
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
            CASE
                WHEN r.same_n = 1 THEN ''
                WHEN r.publication_year IS NULL THEN format(
                    ' %s cohort(s) share that N, no publication year recorded for any of them: '
                    'the first by cohort_name was taken.', r.same_n)
                ELSE format(
                    ' %s cohort(s) share that N: the most recently published was taken, '
                    'published %s (%s)%s.', r.same_n, r.publication_year, r.source_citation,
                    CASE WHEN r.same_year > 1 THEN format(
                        '; %s share that year, so the first by cohort_name', r.same_year)
                    ELSE '' END)
            END)
    FROM ranked r
    WHERE r.rank = 1
$$;

-- Cohorts (pooled meta-analyses included) of a modality, condition and instrument (NULL = any),
-- in the benchmark rule's order within each modality and condition (step, N, publication_year,
-- cohort_name); when no cohort matches, the registry arms the rule's fourth step would draw on
-- (benchmark_registry_candidates, 071), largest analysed N first.
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
                 c.n_participants DESC, c.publication_year DESC NULLS LAST, c.cohort_name;
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

-- Least privilege (as 062, 068 and 071): CREATE OR REPLACE keeps the privileges the functions
-- had; they are restated all the same.
REVOKE EXECUTE ON FUNCTION
    public.benchmark_choose_cohort(text, text, text, boolean),
    public.benchmark_cohorts_for(text, text, text)
    FROM PUBLIC, anon;
GRANT EXECUTE ON FUNCTION
    public.benchmark_choose_cohort(text, text, text, boolean),
    public.benchmark_cohorts_for(text, text, text)
    TO authenticated;

COMMENT ON FUNCTION public.benchmark_choose_cohort(text, text, text, boolean) IS
    'Steps 1-3 of the benchmark rule: pooled meta-analysis first, then the clinical-trial cohort '
    'with the instrument and the largest N, then any other cohort; a tie on N goes to the latest '
    'publication_year (NULL last), then to cohort_name, and the reason names the year and the '
    'citation ("published YYYY (citation)") or says no publication year is recorded. Returns '
    'the chosen cohort''s id, rule step and reason; no row when no cohort qualifies (step 4, '
    'registry results, is benchmark_registry_candidates). Used by primary_benchmark and '
    'benchmark_comparison.';
COMMENT ON FUNCTION public.benchmark_cohorts_for(text, text, text) IS
    'Cohorts and pooled meta-analyses of a modality, condition and instrument (NULL = any), in '
    'the benchmark rule''s order (step, N, publication_year, cohort_name); when none matches, '
    'the usable registry arms (setting registry_results, id NULL), largest analysed N first.';
