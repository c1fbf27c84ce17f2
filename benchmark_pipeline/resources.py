"""Every resource class: PostgreSQL (Supabase or the embedded server), ClinicalTrials.gov, doi.org,
the alert channels, and the IO manager that hands an asset's value to the steps after it.

Bindings from the environment live in ``defs/resources.py``.
"""

import glob
import os
import pickle
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import dagster as dg
import httpx
import psycopg
from pydantic import Field
from upath import UPath

from benchmark_pipeline.constants import EMBEDDED_PG_DIR
from benchmark_pipeline.lib import kill_points
from benchmark_pipeline.lib.alerts.channels import (
    AlertDeliveryError,
    AlertSettingsError,
    SmtpSettings,
    post_webhook,
    recipients,
    send_email,
    webhook_origin,
)
from benchmark_pipeline.lib.alerts.message import Alert
from benchmark_pipeline.lib.cohorts.doi import DOI_RESOLVER
from benchmark_pipeline.lib.postgres.dsn import password_of, redact
from benchmark_pipeline.lib.postgres.embedded import ensure_server
from benchmark_pipeline.lib.processes import alive
from benchmark_pipeline.lib.trials import client as ctgov_client


class DatabaseConnectionError(RuntimeError):
    """A connection failed; the message carries no password."""


class PostgresResource(dg.ConfigurableResource):
    """PostgreSQL through psycopg 3.

    With ``database_url`` (bound to ``SUPABASE_DB_URL``) it connects to Supabase; without it,
    it starts or joins the embedded server whose data lives in ``embedded_pg_dir``.
    """

    database_url: str | None = Field(
        default=None,
        description="Supabase Postgres URL (SUPABASE_DB_URL). Empty: use the embedded server.",
    )
    embedded_pg_dir: str = Field(
        default=str(EMBEDDED_PG_DIR),
        description="Data directory of the embedded server (BENCHMARK_EMBEDDED_PG_DIR).",
    )
    statement_timeout_ms: int = Field(
        default=300_000,
        description=(
            "Per-statement timeout sent at connect time (with the staging buffer size); "
            "0 sends no startup options, for poolers that refuse them."
        ),
    )
    application_name: str = "benchmark_pipeline"

    @property
    def is_embedded(self) -> bool:
        return not self.database_url

    def dsn(self) -> str:
        """The connection string in use (starts the embedded server when needed)."""
        if self.database_url:
            return self.database_url
        return ensure_server(self.embedded_pg_dir)

    def describe(self) -> str:
        """Where this resource connects, safe to show in logs and metadata."""
        if self.is_embedded:
            return f"embedded PostgreSQL ({self.embedded_pg_dir})"
        return redact(self.database_url or "")

    def _startup_options(self) -> dict[str, str]:
        if self.statement_timeout_ms <= 0:
            return {}
        # temp_buffers: a load's staging table stays in memory instead of spilling to disk.
        settings = f"-c statement_timeout={int(self.statement_timeout_ms)} -c temp_buffers=64MB"
        return {"options": settings}

    @contextmanager
    def connect(self, *, autocommit: bool = False) -> Iterator[psycopg.Connection]:
        """A new connection; outside autocommit, the block is one transaction.

        ``prepare_threshold=None`` keeps psycopg from preparing statements, which Supabase's
        transaction pooler (PgBouncer/Supavisor in transaction mode) cannot route.
        """
        dsn = self.dsn()
        try:
            conn = psycopg.connect(
                dsn,
                autocommit=autocommit,
                prepare_threshold=None,
                application_name=self.application_name,
                **self._startup_options(),
                connect_timeout=30,
            )
        except psycopg.Error as exc:
            raise DatabaseConnectionError(
                f"could not connect to {self.describe()}: {redact(str(exc), password_of(dsn))}"
            ) from None
        with conn:
            yield conn


class ClinicalTrialsResource(dg.ConfigurableResource):
    """The ClinicalTrials.gov API v2 (public, no key), paced and retried.

    ``base_url`` is bound to ``CTGOV_API_URL`` when set, e.g. to a local fake for tests.
    """

    base_url: str = Field(
        default=ctgov_client.DEFAULT_BASE_URL,
        description="API root (CTGOV_API_URL); the real one is https://clinicaltrials.gov/api/v2.",
    )
    timeout_seconds: float = Field(default=60.0, description="Read timeout of one request.")
    connect_timeout_seconds: float = Field(default=15.0)
    max_attempts: int = Field(default=6, description="Attempts per request, first one included.")
    max_total_seconds: float = Field(
        default=300.0,
        description=(
            "Deadline of one request, its retries and the reading of its body included: a body "
            "still arriving then is cut off."
        ),
    )
    backoff_base_seconds: float = Field(
        default=2.0, description="First retry waits about this long; each next one twice as long."
    )
    backoff_max_seconds: float = Field(default=60.0)
    min_interval_seconds: float = Field(
        default=1.0,
        description=(
            "Pacing: at least this long between two requests (ClinicalTrials.gov's robots.txt "
            "asks for Crawl-delay: 1). A CTGOV_API_URL on this machine is bound with 0."
        ),
    )
    fake_registry: bool = Field(
        default=False,
        description=(
            "The registry is the project's fake (generated trials, not real ones), as make demo "
            "serves it: CTGOV_API_IS_FAKE=1 with a CTGOV_API_URL on this machine. Every asset "
            "and count check that read it says so."
        ),
    )

    def registry_note(self) -> str | None:
        """What a reader of an asset or check must know when the trials came from the project's
        fake registry; ``None`` for a real one."""
        if not self.fake_registry:
            return None
        return (
            f"read from the project's fake ClinicalTrials.gov at {self.base_url} (make demo): "
            "generated trials, not real ones"
        )

    def retry_settings(self) -> ctgov_client.RetrySettings:
        return ctgov_client.RetrySettings(
            max_attempts=self.max_attempts,
            max_total_seconds=self.max_total_seconds,
            backoff_base_seconds=self.backoff_base_seconds,
            backoff_max_seconds=self.backoff_max_seconds,
            min_interval_seconds=self.min_interval_seconds,
        )

    def transport(self) -> httpx.BaseTransport | None:
        """The HTTP transport; ``None`` is httpx's own. Tests replace it with a MockTransport."""
        return None

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    @contextmanager
    def session(
        self, on_retry: Callable[[str], None] | None = None
    ) -> Iterator[ctgov_client.CtgovSession]:
        """A paced, retrying session over one HTTP connection pool, closed afterwards;
        ``on_retry`` is told one line before each retry's wait."""
        timeout = httpx.Timeout(self.timeout_seconds, connect=self.connect_timeout_seconds)
        with httpx.Client(
            base_url=self.base_url.rstrip("/"),
            timeout=timeout,
            follow_redirects=True,  # aliased NCT ids answer 301
            headers={"User-Agent": ctgov_client.USER_AGENT, "Accept": "application/json"},
            transport=self.transport(),
        ) as client:
            yield ctgov_client.CtgovSession(
                client=client, settings=self.retry_settings(), sleep=self.sleep, on_retry=on_retry
            )


class DoiRegistryResource(dg.ConfigurableResource):
    """doi.org (Crossref, DataCite, ... by content negotiation) over httpx."""

    base_url: str = Field(default=DOI_RESOLVER, description="DOI resolver.")
    timeout_s: float = Field(default=15.0, description="Per-request timeout in seconds.")

    def client(self) -> httpx.Client:
        """A new client; tests override this to put an ``httpx.MockTransport`` underneath."""
        return httpx.Client(
            base_url=self.base_url,
            timeout=self.timeout_s,
            headers={"User-Agent": "benchmark_pipeline (cohort citation check)"},
        )


class AlertChannelsResource(dg.ConfigurableResource):
    """Where alerts about unattended work go: email over SMTP and/or a webhook taking a JSON POST.

    Every field is bound to its ``ALERT_*`` environment variable in ``defs/resources.py``; with
    neither ``ALERT_EMAIL_TO`` (plus ``ALERT_SMTP_HOST``) nor ``ALERT_WEBHOOK_URL`` set, no
    alert is sent and nothing fails.
    """

    smtp_host: str | None = Field(default=None, description="SMTP server (ALERT_SMTP_HOST).")
    smtp_port: int = Field(default=587, description="SMTP port (ALERT_SMTP_PORT).")
    smtp_security: str = Field(
        default="starttls",
        description="starttls, ssl (implicit TLS, port 465) or none (ALERT_SMTP_SECURITY).",
    )
    smtp_user: str | None = Field(default=None, description="SMTP login (ALERT_SMTP_USER).")
    smtp_password: str | None = Field(default=None, description="ALERT_SMTP_PASSWORD.")
    smtp_from: str | None = Field(default=None, description="Sender address (ALERT_SMTP_FROM).")
    email_to: str | None = Field(
        default=None, description="Recipients, comma-separated (ALERT_EMAIL_TO)."
    )
    webhook_url: str | None = Field(
        default=None, description="Incoming webhook taking a JSON POST (ALERT_WEBHOOK_URL)."
    )
    delivery_attempts: int = Field(
        default=3, description="Attempts per channel and alert, the first included."
    )
    retry_wait_seconds: float = Field(
        default=5.0, description="Wait before another attempt; each next one twice as long."
    )
    webserver_url: str = Field(
        default="http://localhost:3000",
        description="The address people open the Dagster UI at, for run links (DAGSTER_WEBSERVER_URL).",
    )

    def smtp(self) -> SmtpSettings | None:
        """The email channel, or None unless both a server and a recipient are set."""
        to = recipients(self.email_to)
        if not (self.smtp_host and to):
            return None
        sender = self.smtp_from or self.smtp_user or "benchmark_pipeline@localhost"
        return SmtpSettings(
            host=self.smtp_host,
            port=self.smtp_port,
            sender=sender,
            recipients=to,
            security=self.smtp_security.strip().lower(),
            user=self.smtp_user or None,
            password=self.smtp_password or None,
        )

    def channels(self) -> list[str]:
        """The configured channels, described without secrets."""
        smtp = self.smtp()
        described = [smtp.describe()] if smtp else []
        if self.webhook_url:
            described.append(f"webhook at {webhook_origin(self.webhook_url)}")
        return described

    def run_url(self, run_id: str) -> str:
        return f"{self.webserver_url.rstrip('/')}/runs/{run_id}"

    def _attempt(self, deliver: Callable[[], None]) -> None:
        """``deliver``, tried ``delivery_attempts`` times with growing waits between (wrong
        settings are not tried again)."""
        for attempt in range(1, self.delivery_attempts + 1):
            try:
                deliver()
                return
            except AlertDeliveryError as exc:
                if isinstance(exc, AlertSettingsError) or attempt >= self.delivery_attempts:
                    raise
                time.sleep(self.retry_wait_seconds * 2 ** (attempt - 1))

    def send(self, alert: Alert) -> list[str]:
        """Send ``alert`` by every configured channel (each tried ``delivery_attempts`` times)
        and return those that delivered it. Every channel is tried; if any still failed,
        ``AlertDeliveryError`` names each failure."""
        delivered, failed = [], []
        smtp = self.smtp()
        attempts = [(smtp.describe(), lambda: send_email(smtp, alert))] if smtp else []
        if self.webhook_url:
            url = self.webhook_url
            attempts.append((f"webhook at {webhook_origin(url)}", lambda: post_webhook(url, alert)))
        for name, deliver in attempts:
            try:
                self._attempt(deliver)
            except AlertDeliveryError as exc:
                failed.append(str(exc))
            else:
                delivered.append(name)
        if failed:
            sent = f" (delivered by {', '.join(delivered)})" if delivered else ""
            raise AlertDeliveryError("; ".join(failed) + sent)
        return delivered


class _PickledValueFiles(dg.UPathIOManager):
    """One pickle file per asset value under ``base_dir``, written beside its place and renamed
    into it, so a step never reads half of a value another run is still writing, and a process
    killed while writing leaves the previous value whole (its ``.partial`` file is removed by the
    next write of that value on this machine)."""

    extension = ""

    def __init__(self, base_dir: str):
        super().__init__(base_path=UPath(base_dir))

    def dump_to_path(self, context: dg.OutputContext, obj: object, path: UPath) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove_abandoned_partials(path)
        partial = path.with_name(
            f"{path.name}.{_HOST}-{os.getpid()}-{threading.get_ident()}.partial"
        )
        with partial.open("wb") as file:
            pickle.dump(obj, file, pickle.HIGHEST_PROTOCOL)
            file.flush()
            os.fsync(file.fileno())
            kill_points.reached(kill_points.VALUE_WRITTEN)
        partial.replace(path)

    def load_from_path(self, context: dg.InputContext, path: UPath) -> object:
        try:
            file = path.open("rb")
        except FileNotFoundError:
            if context is None or not context.has_asset_key:  # a value inside one step's graph
                raise
            raise dg.Failure(description=never_stored(context), allow_retries=False) from None
        with file:
            return pickle.load(file)


_HOST = socket.gethostname()


def _remove_abandoned_partials(path: UPath) -> None:
    """Delete the ``.partial`` files of ``path`` left by dead processes of this machine (killed
    while writing); those of living processes, or of other machines sharing the folder, stay."""
    prefix, suffix = f"{path.name}.{_HOST}-", ".partial"
    for partial in path.parent.glob(f"{glob.escape(prefix)}*{suffix}"):
        pid = partial.name[len(prefix) : -len(suffix)].split("-")[0]
        if pid.isdigit() and not alive(int(pid)):
            partial.unlink(missing_ok=True)


def never_stored(context: dg.InputContext) -> str:
    """The sentence for a step whose input ``context`` names a value this instance never stored:
    which asset to materialize first, and the selection that builds it with what needs it."""
    upstream = context.asset_key.to_user_string()
    try:
        step = context.step_context
    except dg.DagsterInvariantViolationError:  # loaded outside a run (load_asset_value)
        step = None
    wanted = sorted(key.to_user_string() for key in step.get_output_asset_keys()) if step else []
    if not wanted and step is not None and step.assets_def is not None:  # a check on its own
        wanted = sorted({key.asset_key.to_user_string() for key in step.assets_def.check_keys})
    selection = " or ".join(f"`*{name}`" for name in wanted) or f"`*{upstream}`"
    return (
        f"`{upstream}` has no stored value in this Dagster instance: materialize it "
        f"(or {selection}) first"
    )


class ValueFilesIOManager(dg.ConfigurableIOManagerFactory):
    """Dagster's filesystem IO manager (values under the instance's storage directory, one file
    per asset, so a later run of a downstream asset finds its input), with atomic writes: two
    runs at once (a scheduled refresh and a materialization from the UI) never corrupt a value."""

    base_dir: str | None = Field(
        default=None, description="Folder of the value files; default: the instance's storage."
    )

    def create_io_manager(self, context: dg.InitResourceContext) -> _PickledValueFiles:
        return _PickledValueFiles(self.base_dir or context.instance.storage_directory())
