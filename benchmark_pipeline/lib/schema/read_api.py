"""The read API (sql/068_read_api.sql) as the app sees it: each function called as a signed-in
user, the way Supabase's API (PostgREST) calls it.

PostgREST runs every request in a transaction that starts with ``SET LOCAL ROLE authenticated``
and ``set_config('request.jwt.claims', <the JWT's claims>, true)``, then
``SELECT * FROM public.<function>(name => value, ...)``. ``call_as`` does the same and rolls the
transaction back; ``app_view`` chooses the calls from what the tables hold (through the API
too) and returns every answer, errors included (SQLSTATE and message), so nothing is hidden.

The connection may be PostgREST's own login, ``authenticator`` (as the tests connect), or any
login that is a member of the role, such as Supabase's ``postgres`` (as the pipeline's check
connects, needing no ``authenticator`` password): once the role is set, only its privileges
count either way.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql

ROLE = "authenticated"
# A signed-in user as Supabase's auth issues one; the nil UUID marks the stand-in.
CLAIMS = {"role": ROLE, "aud": "authenticated", "sub": "00000000-0000-0000-0000-000000000000"}
READ_FUNCTIONS = (
    "benchmark_summary",
    "benchmark_modalities",
    "benchmark_trial_count",
    "benchmark_trials_for",
    "benchmark_cohorts_for",
    "primary_benchmark",
    "benchmark_comparison",
)
TRIALS_SHOWN = 10
INSTRUMENT_COLUMNS = ("name", "score_min", "score_max", "lower_is_better", "similar_band")


@dataclass(frozen=True)
class Answer:
    """One call and what came back: columns and rows, or the error's SQLSTATE and message."""

    function: str
    arguments: dict[str, Any]
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[Any, ...], ...] = ()
    sqlstate: str | None = None
    error: str | None = None
    table: bool = False  # a table read (``from(table).select()``), not a function call

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def value(self) -> Any:
        """The one value of a function returning a scalar or jsonb."""
        return self.rows[0][0]

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def call(self) -> str:
        """The call as SQL names it: ``name(arg => value, ...)``, or ``select ... from name``."""
        if self.table:
            return f"select {self.arguments['select']} from {self.function}"
        args = ", ".join(f"{k} => {json.dumps(v, default=str)}" for k, v in self.arguments.items())
        return f"{self.function}({args})"


def _as_app(
    conn: psycopg.Connection,
    label: str,
    arguments: dict[str, Any],
    query: sql.Composable,
    parameters: Mapping[str, Any],
    *,
    role: str,
    claims: Mapping[str, Any] | None,
    path: str,
    table: bool = False,
) -> Answer:
    """``query`` as ``role`` with the request settings PostgREST sets, in a transaction (a
    savepoint inside an open one) that is rolled back; an error becomes the answer."""
    request = {"claims": json.dumps(dict(claims or {**CLAIMS, "role": role})), "path": path}
    try:
        with conn.transaction(force_rollback=True):
            conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(role)))
            conn.execute(
                "SELECT set_config('request.jwt.claims', %(claims)s, true),"
                " set_config('request.method', 'POST', true),"
                " set_config('request.path', %(path)s, true)",
                request,
            )
            cursor = conn.execute(query, parameters)
            columns = tuple(c.name for c in cursor.description)
            return Answer(label, arguments, columns, tuple(cursor.fetchall()), table=table)
    except psycopg.Error as exc:
        return Answer(label, arguments, sqlstate=exc.sqlstate, error=_message(exc), table=table)


def parameter_types(conn: psycopg.Connection, function: str) -> dict[str, str]:
    """Input parameter name -> type of ``public.<function>``, in declaration order."""
    rows = conn.execute(
        "SELECT a.name, format_type(a.type, NULL)"
        " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace,"
        " unnest(coalesce(p.proallargtypes, p.proargtypes::oid[]), p.proargnames,"
        "        coalesce(p.proargmodes, array_fill('i'::\"char\", ARRAY[p.pronargs::integer])))"
        "   WITH ORDINALITY AS a(type, name, mode, position)"
        " WHERE n.nspname = 'public' AND p.proname = %s AND a.mode IN ('i', 'b')"
        " ORDER BY a.position",
        [function],
    ).fetchall()
    return dict(rows)


def call_as(
    conn: psycopg.Connection,
    function: str,
    arguments: Mapping[str, Any] | None = None,
    *,
    role: str = ROLE,
    claims: Mapping[str, Any] | None = None,
) -> Answer:
    """``supabase.rpc(function, arguments)`` as ``role``, rolled back. As PostgREST does, the
    arguments travel as one JSON object typed by the function's own parameters
    (``json_to_record``), so a JSON number reaches a ``numeric`` parameter as one."""
    arguments = dict(arguments or {})
    types = parameter_types(conn, function)
    unknown = [name for name in arguments if name not in types]
    if unknown:
        return Answer(function, arguments, error=f"{function} has no parameter {unknown[0]!r}")
    target = sql.Identifier(function)
    if not arguments:
        query = sql.SQL("SELECT * FROM public.{0}() AS {0}").format(target)
    else:
        record = sql.SQL(", ").join(
            sql.SQL("{} {}").format(sql.Identifier(n), sql.SQL(types[n])) for n in arguments
        )
        named = sql.SQL(", ").join(
            sql.SQL("{0} => a.{0}").format(sql.Identifier(n)) for n in arguments
        )
        query = sql.SQL(
            "SELECT {0}.* FROM json_to_record(%(payload)s::json) AS a({1}), "
            "LATERAL public.{0}({2}) AS {0}"
        ).format(target, record, named)
    payload = {"payload": json.dumps(arguments)} if arguments else {}
    return _as_app(
        conn, function, arguments, query, payload, role=role, claims=claims, path=f"/rpc/{function}"
    )


def select_as(
    conn: psycopg.Connection,
    table: str,
    columns: Sequence[str],
    *,
    role: str = ROLE,
    claims: Mapping[str, Any] | None = None,
) -> Answer:
    """``SELECT columns FROM public.<table>`` as ``role`` (``supabase.from(table).select()``)."""
    query = sql.SQL("SELECT {} FROM public.{}").format(
        sql.SQL(", ").join(map(sql.Identifier, columns)), sql.Identifier(table)
    )
    shown = {"select": ", ".join(columns)}
    return _as_app(
        conn, table, shown, query, {}, role=role, claims=claims, path=f"/{table}", table=True
    )


def _message(exc: psycopg.Error) -> str:
    diag = exc.diag
    parts = [diag.message_primary or str(exc).strip()]
    parts += [
        f"{k}: {v}" for k, v in (("detail", diag.message_detail), ("hint", diag.message_hint)) if v
    ]
    return "; ".join(parts)


@dataclass
class AppView:
    """Every answer ``app_view`` got, in the order it asked."""

    answers: list[Answer] = field(default_factory=list)
    # Instruments no cohort reports as a change or an endpoint: nothing to compare with.
    not_compared: list[str] = field(default_factory=list)

    def failures(self) -> list[Answer]:
        return [a for a in self.answers if not a.ok]

    def of(self, function: str) -> list[Answer]:
        return [a for a in self.answers if a.function == function]


def example_scores(score_min: float, score_max: float, lower_is_better: bool) -> tuple[int, int]:
    """An illustrative patient: baseline in the middle of the scale, now better by a quarter of
    the scale."""
    baseline = round((score_min + score_max) / 2)
    step = round((score_max - score_min) / 4)
    return baseline, baseline - step if lower_is_better else baseline + step


def app_view(conn: psycopg.Connection, *, role: str = ROLE) -> AppView:
    """Each read function called as ``role`` with arguments taken from what the API shows:
    the summary; the modalities; each modality's trial count (psychiatric and all); the first
    trials; every cohort; the primary benchmark of each (modality, condition) with a cohort; the
    instruments table; and for each instrument some cohort reports as a change or an endpoint,
    the comparison of an illustrative patient (``example_scores``); the others are listed in
    ``not_compared``."""
    view = AppView()

    def ask(function: str, **arguments: Any) -> Answer:
        answer = call_as(conn, function, arguments, role=role)
        view.answers.append(answer)
        return answer

    ask("benchmark_summary")
    modalities = ask("benchmark_modalities")
    for row in modalities.records() if modalities.ok else []:
        for psychiatric_only in (True, False):
            ask(
                "benchmark_trial_count", modality=row["modality"], psychiatric_only=psychiatric_only
            )
    ask("benchmark_trials_for", page_size=TRIALS_SHOWN)
    cohorts = ask("benchmark_cohorts_for")
    records = cohorts.records() if cohorts.ok else []
    for modality, condition in dict.fromkeys((r["modality"], r["condition"]) for r in records):
        ask("primary_benchmark", modality=modality, condition=condition)
    scored = {
        r["instrument"]
        for r in records
        if r["change_mean"] is not None or r["endpoint_mean"] is not None
    }
    instruments = select_as(conn, "benchmark_instruments", INSTRUMENT_COLUMNS, role=role)
    view.answers.append(instruments)
    for instrument in sorted(instruments.records(), key=lambda r: r["name"]):
        if instrument["name"] not in scored:
            view.not_compared.append(instrument["name"])
        else:
            baseline, current = example_scores(
                float(instrument["score_min"]),
                float(instrument["score_max"]),
                instrument["lower_is_better"],
            )
            ask(
                "benchmark_comparison",
                instrument=instrument["name"],
                baseline_score=baseline,
                current_score=current,
            )
    return view
