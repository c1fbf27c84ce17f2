"""Every resource binding: secrets and locations come from the environment (``dg.EnvVar``)."""

from urllib.parse import urlsplit

import dagster as dg

from benchmark_pipeline.resources import (
    AlertChannelsResource,
    ClinicalTrialsResource,
    DoiRegistryResource,
    PostgresResource,
    ValueFilesIOManager,
)


def _from_env(name: str) -> dg.EnvVar | None:
    """The variable bound as an ``EnvVar`` when it is set, so its value never shows in the UI."""
    var = dg.EnvVar(name)
    return var if var.get_value() else None


def postgres_resource() -> PostgresResource:
    """Supabase when ``SUPABASE_DB_URL`` is set, otherwise the embedded server."""
    settings = {
        "database_url": _from_env("SUPABASE_DB_URL"),
        "embedded_pg_dir": _from_env("BENCHMARK_EMBEDDED_PG_DIR"),
    }
    return PostgresResource(**{k: v for k, v in settings.items() if v is not None})


LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def is_loopback(url: str) -> bool:
    """Whether ``url`` points at this machine (e.g. the project's fake registry)."""
    return (urlsplit(url).hostname or "") in LOOPBACK_HOSTS


def ctgov_resource() -> ClinicalTrialsResource:
    """The real ClinicalTrials.gov API, or ``CTGOV_API_URL`` when set (e.g. a local fake).

    The one-second pacing honours ClinicalTrials.gov's ``Crawl-delay``; a registry on this
    machine asks for none, so requests to a loopback address go unpaced.
    """
    base_url = _from_env("CTGOV_API_URL")
    if not base_url:
        return ClinicalTrialsResource()
    local = is_loopback(base_url.get_value() or "")
    pacing = {"min_interval_seconds": 0.0} if local else {}
    # The project's fake says so only where it can be: on this machine, announced by make demo.
    announced = (dg.EnvVar("CTGOV_API_IS_FAKE").get_value() or "").strip().lower()
    fake = {"fake_registry": True} if local and announced in ("1", "true", "yes") else {}
    return ClinicalTrialsResource(base_url=base_url, **pacing, **fake)


ALERT_SETTINGS = {
    "smtp_host": "ALERT_SMTP_HOST",
    "smtp_security": "ALERT_SMTP_SECURITY",
    "smtp_user": "ALERT_SMTP_USER",
    "smtp_password": "ALERT_SMTP_PASSWORD",
    "smtp_from": "ALERT_SMTP_FROM",
    "email_to": "ALERT_EMAIL_TO",
    "webhook_url": "ALERT_WEBHOOK_URL",
    "webserver_url": "DAGSTER_WEBSERVER_URL",
}


def alerts_resource() -> AlertChannelsResource:
    """The alert channels from the ``ALERT_*`` variables that are set (none set: no alert is
    sent, and the sensors say so)."""
    settings: dict[str, object] = {
        field: var for field, name in ALERT_SETTINGS.items() if (var := _from_env(name))
    }
    if dg.EnvVar("ALERT_SMTP_PORT").get_value():
        settings["smtp_port"] = dg.EnvVar.int("ALERT_SMTP_PORT")
    return AlertChannelsResource(**settings)


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(
        resources={
            "postgres": postgres_resource(),
            "ctgov": ctgov_resource(),
            "doi_registry": DoiRegistryResource(),
            "alerts": alerts_resource(),
            "io_manager": ValueFilesIOManager(),
        }
    )
