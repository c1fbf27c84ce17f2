-- 062: least privilege for Supabase's API roles on every benchmark table.
-- Row level security filters rows, but TRUNCATE, REFERENCES and TRIGGER are not row operations:
-- on a project whose default privileges grant ALL on new tables in public to anon and
-- authenticated (Supabase projects have had them), either role could empty a benchmark table
-- through a path RLS never sees. So the anonymous role holds nothing and a signed-in user holds
-- SELECT alone. Every later migration that creates a table or a function does the same in the
-- same file; the migration runner refuses one that leaves an API role more.
-- Safe to re-run: REVOKE and GRANT are idempotent.

REVOKE ALL ON public.benchmark_trials, public.benchmark_cohorts, public.population_baselines
    FROM PUBLIC, anon, authenticated;
GRANT SELECT ON public.benchmark_trials, public.benchmark_cohorts, public.population_baselines
    TO authenticated;
