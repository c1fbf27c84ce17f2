"""deploy/compose runs the pipeline on one machine: the services, volumes and variables the
production page of the documentation names are the ones compose.yaml has; every variable it takes is explained in .env.example; the UI
and the daemon reach the code server where the image serves it; only the code location gets the
pipeline's secrets."""

import re
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import pytest
import yaml

from benchmark_pipeline.constants import REPO_ROOT
from benchmark_pipeline_tests.deploy.kit import (
    COMPOSE_DIR,
    COMPOSE_FILE,
    DOCKERFILE,
    compose,
    declared_variables,
    dockerfile_instructions,
    env_example,
    exec_form,
    interpolated_variables,
    production_page,
    substitute,
    without_section,
)

SERVICES = {"dagster-postgres", "code-location", "dagster-webserver", "dagster-daemon"}
DAGSTER_SERVICES = {"code-location", "dagster-webserver", "dagster-daemon"}
PIPELINE_SETTINGS = re.compile(r"^(SUPABASE_DB_URL|CTGOV_API_URL|DAGSTER_WEBSERVER_URL|ALERT_\w+)$")
SECRETS = {"SUPABASE_DB_URL", "DAGSTER_PG_PASSWORD", "ALERT_SMTP_PASSWORD", "ALERT_WEBHOOK_URL"}


@pytest.fixture(scope="module")
def spec() -> dict:
    return compose()


@pytest.fixture(scope="module")
def image() -> dict:
    """WORKDIR, DAGSTER_HOME, CMD and the COPY destinations of deploy/Dockerfile."""
    instructions = dockerfile_instructions()
    env: dict[str, str | None] = {}
    for i in instructions:
        if i.keyword == "ENV":
            env.update(declared_variables(i))
    return {
        "workdir": [i.arguments for i in instructions if i.keyword == "WORKDIR"][-1],
        "home": env["DAGSTER_HOME"],
        "cmd": exec_form([i.arguments for i in instructions if i.keyword == "CMD"][-1]),
        "copied": [i.arguments.split() for i in instructions if i.keyword == "COPY"],
    }


def _command(service: dict, image: dict) -> list[str]:
    command = service.get("command", image["cmd"])
    return command if isinstance(command, list) else exec_form(command)


def _flag(command: list[str], flag: str) -> str:
    return command[command.index(flag) + 1]


def test_compose_names_what_the_production_page_lists(spec):
    section = without_section(production_page(), "Alerts and freshness")
    named = set(re.findall(r"`([^`\s]+)`", section))

    assert set(spec["services"]) == SERVICES
    assert SERVICES <= named, "the production page names each service"
    assert set(spec["volumes"]) <= named, "the production page names each volume"

    known = interpolated_variables(COMPOSE_FILE.read_text()) | {
        name for service in spec["services"].values() for name in service.get("environment", {})
    }
    listed = {n for n in named if re.fullmatch(r"[A-Z][A-Z0-9_]+", n)}
    assert listed, "the production page lists the variables"
    assert listed - known == set(), "the production page names a variable compose does not take"


def test_every_variable_is_explained_in_env_example_and_used(spec):
    taken = interpolated_variables(COMPOSE_FILE.read_text())
    documented = env_example()
    assert taken == set(documented)
    assert [name for name, comments in documented.items() if not comments] == []

    # The example holds no secret, and compose refuses to start without the required ones.
    values = dict(
        line.split("=", 1)
        for line in (COMPOSE_DIR / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert {name: values[name] for name in SECRETS} == dict.fromkeys(SECRETS, "")
    text = COMPOSE_FILE.read_text()
    for required in ("SUPABASE_DB_URL", "DAGSTER_PG_PASSWORD"):
        assert f"${{{required}:?" in text, required
    assert (COMPOSE_DIR / ".gitignore").read_text().split().count(".env") == 1


def test_webserver_and_daemon_reach_the_code_server_the_image_starts(spec, image):
    services = spec["services"]
    webserver = _command(services["dagster-webserver"], image)
    daemon = _command(services["dagster-daemon"], image)
    assert webserver[0] == "dagster-webserver" and daemon[:2] == ["dagster-daemon", "run"]
    workspace_arg = _flag(webserver, "-w")
    assert _flag(daemon, "-w") == workspace_arg

    # The relative path is read from the image's WORKDIR, where the Dockerfile copied it.
    workdir = PurePosixPath(image["workdir"])
    sources = [src for *src, dest in image["copied"] if workdir / dest == workdir / workspace_arg]
    assert sources == [["deploy/compose/workspace.yaml"]]
    workspace = yaml.safe_load((REPO_ROOT / sources[0][0]).read_text())

    (entry,) = workspace["load_from"]
    server = entry["grpc_server"]
    code_server = _command(services["code-location"], image)
    assert code_server[:3] == ["dagster", "code-server", "start"]
    assert server["host"] == "code-location"
    assert str(server["port"]) == _flag(code_server, "-p")
    assert _flag(code_server, "-h") == "0.0.0.0"

    (local,) = yaml.safe_load((REPO_ROOT / "workspace.yaml").read_text())["load_from"]
    assert server["location_name"] == local["python_module"]["location_name"]


def test_every_dagster_process_uses_the_instance_database(spec, image):
    services = spec["services"]
    database = services["dagster-postgres"]
    assert database["image"].startswith("postgres:16")
    assert "healthcheck" in database
    (data,) = database["volumes"]
    assert data.split(":")[0] in spec["volumes"]
    db_env = database["environment"]

    for name in DAGSTER_SERVICES:
        service = services[name]
        build = service["build"]
        assert (COMPOSE_DIR / build["context"]).resolve() == REPO_ROOT
        assert REPO_ROOT / build["dockerfile"] == DOCKERFILE
        env = service["environment"]
        assert env["DAGSTER_HOME"] == image["home"]
        url = urlsplit(substitute(env["DAGSTER_PG_URL"], {"DAGSTER_PG_PASSWORD": "pw"}))
        assert (url.hostname, url.port) == ("dagster-postgres", 5432)
        assert (url.username, url.password) == (db_env["POSTGRES_USER"], "pw")
        assert url.path == f"/{db_env['POSTGRES_DB']}"
        assert db_env["POSTGRES_PASSWORD"].startswith("${DAGSTER_PG_PASSWORD")
        assert service["depends_on"]["dagster-postgres"]["condition"] == "service_healthy"

    # Runs write value files and compute logs under $DAGSTER_HOME/storage; the UI reads the logs.
    for name in ("code-location", "dagster-webserver"):
        assert f"dagster-storage:{image['home']}/storage" in services[name]["volumes"], name


def test_only_the_code_location_gets_the_pipeline_settings(spec):
    for name, service in spec["services"].items():
        settings = {v for v in service.get("environment", {}) if PIPELINE_SETTINGS.match(v)}
        if name == "code-location":
            assert {"SUPABASE_DB_URL", "DAGSTER_WEBSERVER_URL", "ALERT_WEBHOOK_URL"} <= settings
        else:
            assert settings == set(), name
    # The UI has no login: it is published on this machine only.
    assert spec["services"]["dagster-webserver"]["ports"] == ["127.0.0.1:3000:3000"]
