"""deploy/Dockerfile builds the code location's image: Python 3.11, the project installed in place
with its k8s extra, a non-root user, the instance at DAGSTER_HOME, the code server by default, and
no secret anywhere in it."""

import re
import tomllib

import pytest

from benchmark_pipeline.constants import REPO_ROOT
from benchmark_pipeline_tests.deploy.kit import (
    INSTANCE,
    declared_variables,
    dockerfile_instructions,
    exec_form,
)

SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|WEBHOOK|DB_URL|PG_URL|SMTP_USER", re.IGNORECASE)


@pytest.fixture(scope="module")
def instructions():
    return dockerfile_instructions()


def _all(instructions, keyword):
    return [i for i in instructions if i.keyword == keyword]


def _variables(instructions) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for instruction in instructions:
        if instruction.keyword in ("ENV", "ARG"):
            found.update(declared_variables(instruction))
    return found


def test_starts_from_python_311_slim(instructions):
    assert instructions[0].keyword == "FROM"
    assert instructions[0].arguments.startswith("python:3.11-slim")


def test_no_secret_is_built_in(instructions):
    names = _variables(instructions)
    assert "DAGSTER_HOME" in names  # the parser sees the variables that are there
    assert [n for n in names if SECRET_NAME.search(n)] == []
    sources = [w for i in _all(instructions, "COPY") for w in i.arguments.split()[:-1]]
    assert sources, "no COPY found"
    assert [s for s in sources if ".env" in s or s in (".", "./", "*")] == [], (
        "copy named paths only, never the whole context or an env file"
    )


def test_runs_as_a_numeric_non_root_user(instructions):
    users = _all(instructions, "USER")
    assert users, "no USER: the image would run as root"
    user = users[-1].arguments.split(":")[0]
    assert user.isdigit() and int(user) != 0, user


def test_default_command_serves_the_code_location_on_4000(instructions):
    assert _all(instructions, "ENTRYPOINT") == [], (
        "Dagster's Helm chart sets the container's args, which an ENTRYPOINT would prefix"
    )
    command = exec_form(_all(instructions, "CMD")[-1].arguments)
    assert command[:3] == ["dagster", "code-server", "start"]
    assert command[command.index("-m") + 1] == "benchmark_pipeline"
    assert command[command.index("-h") + 1] == "0.0.0.0"
    port = command[command.index("-p") + 1]
    assert port == "4000"
    assert [i.arguments for i in _all(instructions, "EXPOSE")] == [port]


def test_dagster_home_holds_deploy_dagster_yaml(instructions):
    home = _variables(instructions)["DAGSTER_HOME"]
    copies = [i.arguments.split() for i in _all(instructions, "COPY")]
    assert [INSTANCE.relative_to(REPO_ROOT).as_posix(), f"{home}/dagster.yaml"] in copies


def test_installs_the_project_in_place_with_its_k8s_extra(instructions):
    runs = " ".join(i.arguments for i in _all(instructions, "RUN"))
    assert 'pip install ".[k8s]"' in runs
    # In place, so that constants.REPO_ROOT is the folder holding sql/ and data/.
    assert "pip install --no-deps --editable ." in runs
    copied = {tuple(i.arguments.split()) for i in _all(instructions, "COPY")}
    for folder in ("benchmark_pipeline", "sql", "data"):
        assert (folder, f"./{folder}") in copied, folder

    extras = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    assert extras["k8s"] == ["dagster-k8s==0.29.*"]


def test_dockerignore_keeps_local_state_and_secrets_out_of_the_context():
    lines = (REPO_ROOT / ".dockerignore").read_text().splitlines()
    patterns = {line.strip() for line in lines if line.strip() and not line.startswith("#")}
    assert {".venv", ".benchmark_pipeline", ".git", ".env", ".env.*", "**/.env", "**/.env.*"} <= (
        patterns
    )
    assert not any(p.startswith("!") for p in patterns), "nothing is let back into the context"
