"""Pages rendered from the code: MkDocs calls this module (``hooks:`` in mkdocs.yml) while it
builds, so what the code defines and what the site says cannot part.

A page asks for a rendering with a marker on a line of its own:

- ``<!-- render:assets -->``: every asset of the code location, its group, table and description;
- ``<!-- render:checks -->``: every asset check, its asset, whether it blocks, its description
  and what to do when it is red or yellow (``check_guidance.yml`` beside this file);
- ``<!-- render:automation -->``: the jobs' schedules and the sensors;
- ``<!-- render:modalities -->``: the modality vocabulary of ``lib/modalities.py``;
- ``<!-- render:indication-categories -->``: the categories of ``lib/trials/indication.py``;
- ``<!-- include:benchmarks/RESULTS.md -->``: a file of the repository, its headings moved one
  level down.

In prose, ``{check:no_sharp_drop}`` (or ``{check:benchmark_trials/complete_and_unique}`` when
two assets have a check of that name) becomes a link to the check's row. A check without
guidance, guidance for a check the code does not have, an unknown check in prose or an unknown
marker is a warning, which ``mkdocs build --strict`` turns into a failed build.
"""

import functools
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

log = logging.getLogger("mkdocs.hooks.from_code")

HOOKS_DIR = Path(__file__).resolve().parent
REPO_ROOT = HOOKS_DIR.parent.parent
GUIDANCE_FILE = HOOKS_DIR / "check_guidance.yml"
CHECKS_PAGE = "reviewing-a-run.md"
# The page that explains each asset group, in the order the site presents them.
GROUP_PAGES = {
    "schema": "schema.md",
    "trials": "trials.md",
    "cohorts": "cohorts.md",
    "metapsy": "metapsy.md",
    "baselines": "baselines.md",
    "review": "reviewing-a-run.md",
}

_MARKER = re.compile(r"^<!-- (render|include):(\S+) -->$", re.MULTILINE)
_CHECK_REF = re.compile(r"\{check:(?:([a-z0-9_]+)/)?([a-z0-9_]+)\}")


@dataclass(frozen=True)
class Check:
    asset: str
    name: str
    group: str
    blocking: bool
    description: str

    @property
    def anchor(self) -> str:
        return f"check-{self.asset}-{self.name}"


@dataclass(frozen=True)
class Asset:
    key: str
    group: str
    table: str | None
    description: str


@functools.cache
def _definitions():
    from benchmark_pipeline.definitions import defs

    return defs()


def _group_rank(group: str) -> int:
    return list(GROUP_PAGES).index(group) if group in GROUP_PAGES else len(GROUP_PAGES)


def assets() -> list[Asset]:
    """Every asset, by group in the site's order, then upstream before downstream."""
    graph = _definitions().resolve_asset_graph()
    order = {key: i for i, key in enumerate(graph.toposorted_asset_keys)}
    found = []
    for key in sorted(graph.get_all_asset_keys(), key=order.__getitem__):
        node = graph.get(key)
        table = node.metadata.get("dagster/table_name")
        found.append(
            Asset(
                key=key.to_user_string(),
                group=node.group_name,
                table=None if table is None else str(getattr(table, "value", table)),
                description=node.description or "",
            )
        )
    return sorted(found, key=lambda a: _group_rank(a.group))


def checks() -> list[Check]:
    """Every asset check, in the order of ``assets()``, then by name."""
    graph = _definitions().resolve_asset_graph()
    rank = {asset.key: i for i, asset in enumerate(assets())}
    found = []
    for key in graph.asset_check_keys:
        spec = graph.get_check_spec(key)
        asset = key.asset_key.to_user_string()
        found.append(
            Check(
                asset=asset,
                name=key.name,
                group=graph.get(key.asset_key).group_name,
                blocking=spec.blocking,
                description=spec.description or "",
            )
        )
    return sorted(found, key=lambda c: (rank[c.asset], c.name))


def guidance_problems(found: list[Check], guidance: dict[str, dict[str, str]]) -> list[str]:
    """What keeps the guidance file and the code's checks apart, in words; empty when equal."""
    coded = {(c.asset, c.name) for c in found}
    written = {(asset, name) for asset, by_name in guidance.items() for name in by_name}
    problems = [
        f"check {name} on {asset} has no entry in {GUIDANCE_FILE.name}"
        for asset, name in sorted(coded - written)
    ]
    problems += [
        f"{GUIDANCE_FILE.name} describes check {name} on {asset}, which the code does not define"
        for asset, name in sorted(written - coded)
    ]
    return problems


def load_guidance() -> dict[str, dict[str, str]]:
    return yaml.safe_load(GUIDANCE_FILE.read_text(encoding="utf-8")) or {}


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _table(columns: list[str], rows: list[list[str]], source: str) -> str:
    lines = [
        f'<div class="rendered-from-code" data-source="{source}" markdown>',
        "",
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
        *("| " + " | ".join(row) + " |" for row in rows),
        "",
        "</div>",
    ]
    return "\n".join(lines)


def _group_link(group: str, page: str) -> str:
    target = GROUP_PAGES.get(group)
    return f"[{group}]({_relative(target, page)})" if target else group


def _relative(target: str, page: str) -> str:
    # Every page sits at the top of docs/, so a link is the file name (or only the anchor).
    return "" if target == page else target


_SENTENCE_END = re.compile(r"(?<!e\.g)(?<!i\.e)\.\s+(?=[A-Z])")


def first_sentence(text: str) -> str:
    """The first sentence of an asset's description: the UI shows the rest."""
    return _SENTENCE_END.split(" ".join(text.split()), maxsplit=1)[0].rstrip(".") + "."


def render_assets(page: str) -> str:
    rows = [
        [
            f"`{a.key}`",
            _group_link(a.group, page),
            f"`{a.table}`" if a.table else "",
            _cell(first_sentence(a.description)),
        ]
        for a in assets()
    ]
    return _table(["asset", "group", "table", "what it is"], rows, "assets")


def render_checks(page: str) -> str:
    guidance = load_guidance()
    found = checks()
    for problem in guidance_problems(found, guidance):
        log.warning(problem)
    rows = [
        [
            f'<span id="{c.anchor}"></span>`{c.name}`',
            f"`{c.asset}`",
            "blocking" if c.blocking else "not blocking",
            _cell(c.description),
            _cell(guidance.get(c.asset, {}).get(c.name, "")),
        ]
        for c in found
    ]
    columns = ["check", "asset", "stops the run", "what it checks", "when it is red or yellow"]
    return _table(columns, rows, "checks")


def render_automation(page: str) -> str:
    definitions = _definitions()
    rows = []
    for schedule in definitions.schedules or ():
        rows.append(
            [
                f"`{schedule.name}`",
                "schedule",
                f"`{schedule.job_name}`",
                _cell(
                    f"cron `{schedule.cron_schedule}` ({schedule.execution_timezone or 'UTC'}), "
                    f"{schedule.default_status.value.lower()} by default. "
                    f"{schedule.description or ''}"
                ),
            ]
        )
    for sensor in definitions.sensors or ():
        jobs = ", ".join(f"`{job.name}`" for job in sensor.jobs) if sensor.has_jobs else ""
        rows.append(
            [
                f"`{sensor.name}`",
                "sensor",
                jobs or "(none)",
                _cell(
                    f"every {sensor.minimum_interval_seconds or 30} s at most, "
                    f"{sensor.default_status.value.lower()} by default. "
                    f"{sensor.description or ''}"
                ),
            ]
        )
    return _table(["name", "kind", "runs", "what it does"], rows, "automation")


def render_modalities(page: str) -> str:
    from benchmark_pipeline.lib.modalities import (
        CLASSIFICATION_ALIASES,
        DEFAULT_VOCABULARY,
        INTERVENTION_FIELD_ONLY,
    )

    def term(word: str) -> str:
        note = " (intervention names only)" if word in INTERVENTION_FIELD_ONLY else ""
        return f"`{word}`{note}"

    rows = [
        [
            f"`{modality}`",
            ", ".join(term(w) for w in terms),
            ", ".join(term(w) for w in CLASSIFICATION_ALIASES.get(modality, ())),
        ]
        for modality, terms in DEFAULT_VOCABULARY.items()
    ]
    columns = ["modality", "searched for (and classified by)", "classified also by"]
    return _table(columns, rows, "modalities")


_CATEGORY_ROW = re.compile(r"^\| ``(\w+)`` \| (yes|no) \| (.+) \|$", re.MULTILINE)


def indication_rows() -> list[tuple[str, bool, str]]:
    """(category, psychiatric, what it holds) from ``lib/trials/indication.py``: the names and
    order from ``CATEGORIES``, psychiatric from ``PSYCHIATRIC``, the words from the module's own
    table (a category missing from that table, or there with another flag, is a warning)."""
    from benchmark_pipeline.lib.trials import indication

    described = {m[1]: (m[2] == "yes", m[3]) for m in _CATEGORY_ROW.finditer(indication.__doc__)}
    rows = []
    for category in indication.CATEGORIES:
        psychiatric = category in indication.PSYCHIATRIC
        flag, holds = described.get(category, (psychiatric, ""))
        if category not in described:
            log.warning(f"indication.py's table does not describe category {category}")
        elif flag != psychiatric:
            log.warning(
                f"indication.py's table calls {category} psychiatric={flag}, PSYCHIATRIC not"
            )
        rows.append((category, psychiatric, holds.replace("``", "`")))
    for extra in sorted(set(described) - set(indication.CATEGORIES)):
        log.warning(f"indication.py's table describes {extra}, which CATEGORIES does not hold")
    return rows


def render_indication_categories(page: str) -> str:
    rows = [
        [f"`{category}`", "yes" if psychiatric else "no", _cell(holds)]
        for category, psychiatric, holds in indication_rows()
    ]
    return _table(["category", "psychiatric", "holds"], rows, "indication-categories")


RENDERERS = {
    "assets": render_assets,
    "checks": render_checks,
    "automation": render_automation,
    "modalities": render_modalities,
    "indication-categories": render_indication_categories,
}


def include(path: str) -> str:
    """A repository file's markdown with its headings one level down (its title becomes a
    section of the including page)."""
    text = (REPO_ROOT / path).read_text(encoding="utf-8")
    return re.sub(r"^(#{1,5}) ", r"#\1 ", text, flags=re.MULTILINE)


def _check_link(match: re.Match, page: str, found: list[Check]) -> str:
    asset, name = match.group(1), match.group(2)
    candidates = [c for c in found if c.name == name and asset in (None, c.asset)]
    if len(candidates) != 1:
        why = "no such check" if not candidates else "several assets have it: name the asset"
        log.warning(f"{page}: {match.group(0)}: {why}")
        return f"`{name}`"
    return f"[`{name}`]({_relative(CHECKS_PAGE, page)}#{candidates[0].anchor})"


def on_page_markdown(markdown: str, *, page, config, files) -> str:
    source = page.file.src_uri

    def marker(match: re.Match) -> str:
        kind, name = match.groups()
        if kind == "include":
            return include(name)
        if name not in RENDERERS:
            log.warning(f"{source}: unknown marker render:{name}")
            return match.group(0)
        return RENDERERS[name](source)

    markdown = _MARKER.sub(marker, markdown)
    if _CHECK_REF.search(markdown):
        found = checks()
        markdown = _CHECK_REF.sub(lambda m: _check_link(m, source, found), markdown)
    return markdown
