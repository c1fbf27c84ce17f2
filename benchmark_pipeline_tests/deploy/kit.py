"""The deploy kit's files as the tests read them: the Dockerfile's instructions, the compose file,
its env file, and the documentation's production page (docs/production.md)."""

import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import yaml

from benchmark_pipeline.constants import REPO_ROOT

DEPLOY_DIR = REPO_ROOT / "deploy"
DOCKERFILE = DEPLOY_DIR / "Dockerfile"
COMPOSE_DIR = DEPLOY_DIR / "compose"
COMPOSE_FILE = COMPOSE_DIR / "compose.yaml"
ENV_EXAMPLE = COMPOSE_DIR / ".env.example"
HELM_VALUES = DEPLOY_DIR / "helm" / "values.yaml"
INSTANCE = DEPLOY_DIR / "dagster.yaml"
PRODUCTION_PAGE = REPO_ROOT / "docs" / "production.md"

# ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?message}, ${VAR?message}, ${VAR:+other}
_INTERPOLATION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-?+][^}]*)?\}")


@dataclass(frozen=True)
class Instruction:
    keyword: str  # upper case: FROM, ENV, CMD, ...
    arguments: str


def dockerfile_instructions(path: Path = DOCKERFILE) -> list[Instruction]:
    """The Dockerfile's instructions in order, continuation lines joined, comments dropped."""
    instructions: list[Instruction] = []
    pending = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, arguments = (pending + line).strip().partition(" ")
        instructions.append(Instruction(keyword.upper(), arguments.strip()))
        pending = ""
    return instructions


def exec_form(arguments: str) -> list[str]:
    """A CMD or ENTRYPOINT's words: the JSON exec form, or the shell form split like a shell."""
    return json.loads(arguments) if arguments.startswith("[") else shlex.split(arguments)


def declared_variables(instruction: Instruction) -> dict[str, str | None]:
    """What an ENV or ARG instruction sets: ``ENV A=1 B=2``, ``ENV A 1``, ``ARG A`` (no value)."""
    words = shlex.split(instruction.arguments)
    if instruction.keyword == "ENV" and len(words) > 1 and "=" not in words[0]:
        return {words[0]: " ".join(words[1:])}
    return {
        name: (value if sep else None)
        for name, sep, value in (word.partition("=") for word in words)
    }


def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def interpolated_variables(text: str) -> set[str]:
    """Every variable a compose file takes from its environment or env file."""
    return set(_INTERPOLATION.findall(text))


def env_example() -> dict[str, list[str]]:
    """Each variable of .env.example with the comment lines just above it."""
    documented: dict[str, list[str]] = {}
    comments: list[str] = []
    for raw in ENV_EXAMPLE.read_text().splitlines():
        line = raw.strip()
        if line.startswith("#"):
            comments.append(line.lstrip("# "))
        elif "=" in line:
            documented[line.partition("=")[0].strip()] = comments
            comments = []
        else:
            comments = []
    return documented


def production_page() -> str:
    """The documentation's production page, as written (markdown)."""
    return PRODUCTION_PAGE.read_text()


def without_section(page: str, title: str) -> str:
    """``page`` less its ``## title`` section (written and tested by others)."""
    start = page.find(f"\n## {title}\n")
    if start == -1:
        return page
    end = page.find("\n## ", start + 1)
    return page[:start] + (page[end:] if end != -1 else "")


def substitute(value: str, variables: dict[str, str]) -> str:
    """``value`` with each ``${VAR...}`` replaced by ``variables[VAR]``, as compose would."""
    return _INTERPOLATION.sub(lambda m: variables[m.group(1)], value)
