"""The reference site builds strictly, and what it says about the checks, the modalities and the
indication categories is what the code defines: each table is read back out of the built pages
and compared with the definitions, and a guidance file that parts from the checks fails the
build."""

import html
import re
import shutil
from pathlib import Path

import pytest
import yaml

from benchmark_pipeline.constants import REPO_ROOT
from benchmark_pipeline.definitions import defs as load_defs
from benchmark_pipeline.lib.modalities import (
    CLASSIFICATION_ALIASES,
    DEFAULT_VOCABULARY,
    INTERVENTION_FIELD_ONLY,
)
from benchmark_pipeline.lib.trials.indication import CATEGORIES, PSYCHIATRIC
from benchmark_pipeline_tests.docs.site import build, rendered_rows

GUIDANCE = Path("docs/hooks/check_guidance.yml")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site_dir = tmp_path_factory.mktemp("site")
    built = build(REPO_ROOT, site_dir)
    assert built.returncode == 0, built.stdout + built.stderr
    assert "WARNING" not in built.stdout + built.stderr
    return site_dir


@pytest.fixture(scope="module")
def code_checks() -> dict[tuple[str, str], tuple[bool, str]]:
    """(asset, check) -> (blocking, description) for every check of the code location."""
    graph = load_defs().resolve_asset_graph()
    found = {}
    for key in graph.asset_check_keys:
        spec = graph.get_check_spec(key)
        found[(key.asset_key.to_user_string(), key.name)] = (spec.blocking, spec.description)
    return found


def _words(text: str | None) -> str:
    return " ".join((text or "").split())


def test_every_page_of_the_navigation_is_built(site):
    config = yaml.load((REPO_ROOT / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)

    def pages(entries):
        for entry in entries:
            for value in entry.values() if isinstance(entry, dict) else [entry]:
                yield from pages(value) if isinstance(value, list) else [value]

    listed = list(pages(config["nav"]))
    assert "reviewing-a-run.md" in listed
    for page in listed:
        built = site / ("index.html" if page == "index.md" else f"{page[:-3]}/index.html")
        assert built.is_file(), page
    on_disk = {p.name for p in (REPO_ROOT / "docs").glob("*.md")}
    assert on_disk == set(listed), "every page is in the navigation, and only pages that exist"


def test_check_table_is_every_check_of_the_code_and_nothing_else(site, code_checks):
    rows = rendered_rows(site / "reviewing-a-run/index.html", "checks")
    shown = {(row[1].text, row[0].text): row for row in rows}

    assert len(shown) == len(rows), "a check is listed twice"
    assert set(shown) == set(code_checks)
    for (asset, name), (blocking, description) in code_checks.items():
        row = shown[(asset, name)]
        assert row[2].text == ("blocking" if blocking else "not blocking"), name
        assert _words(row[3].text) == _words(description), name
        assert len(row[4].text) > 20, f"{asset}/{name} says nothing about what to do"
        assert f"check-{asset}-{name}" in row[0].ids, "its row can be linked to"


def test_asset_table_is_every_asset_of_the_code(site):
    specs = {spec.key.to_user_string(): spec for spec in load_defs().resolve_all_asset_specs()}
    rows = rendered_rows(site / "index.html", "assets")

    assert sorted(row[0].text for row in rows) == sorted(specs)
    for row in rows:
        spec = specs[row[0].text]
        assert row[1].text == spec.group_name
        table = spec.metadata.get("dagster/table_name")
        assert row[2].text == ("" if table is None else str(getattr(table, "value", table)))
        assert row[3].text and _words(spec.description).startswith(row[3].text[:-1])


def test_modality_table_is_the_vocabulary(site):
    rows = rendered_rows(site / "trials/index.html", "modalities")

    assert [row[0].text for row in rows] == list(DEFAULT_VOCABULARY)
    for row in rows:
        modality = row[0].text
        assert row[1].codes == list(DEFAULT_VOCABULARY[modality]), modality
        assert row[2].codes == list(CLASSIFICATION_ALIASES.get(modality, ())), modality
        for term in INTERVENTION_FIELD_ONLY & set(row[1].codes):
            assert f"{term} (intervention names only)" in row[1].text


def test_indication_table_is_the_categories_in_their_order(site):
    rows = rendered_rows(site / "trials/index.html", "indication-categories")

    assert [(row[0].text, row[1].text) for row in rows] == [
        (category, "yes" if category in PSYCHIATRIC else "no") for category in CATEGORIES
    ]
    assert all(row[2].text for row in rows), "each category says what it holds"


def test_pages_name_checks_through_links_the_build_resolves(code_checks):
    # `{check:name}` becomes a link to the check's row, and a name the code lacks fails the
    # build; a check written as plain code would be missed when it is renamed.
    names = {name for _, name in code_checks}
    sources = [*(REPO_ROOT / "docs").glob("*.md"), REPO_ROOT / GUIDANCE]
    plain = [
        f"{source.name}: {word}"
        for source in sources
        for word in re.findall(r"`([a-z0-9_]+)`", source.read_text())
        if word in names
    ]
    assert plain == []


def test_performance_page_includes_every_section_of_the_results(site):
    results = (REPO_ROOT / "benchmarks/RESULTS.md").read_text()
    sections = [h.replace("`", "") for h in re.findall(r"^## (.+)$", results, re.MULTILINE)]
    page = (site / "performance/index.html").read_text()
    headings = [
        html.unescape(re.sub(r"<[^>]+>", "", h))
        for h in re.findall(r"<h3[^>]*>(.*?)</h3>", page, re.DOTALL)
    ]

    assert sections
    assert [h.rstrip("¶") for h in headings if h.rstrip("¶") in sections] == sections


def test_readme_links_reach_pages_and_anchors_of_the_site(site):
    readme = (REPO_ROOT / "README.md").read_text()
    links = re.findall(r"\]\((docs/[^)#\s]+\.md)(?:#([^)\s]+))?\)", readme)

    assert links, "the README leads to the reference"
    assert len(readme.splitlines()) <= 150, "the README stays a guide read in minutes"
    for path, anchor in links:
        assert (REPO_ROOT / path).is_file(), path
        page = Path(path).relative_to("docs").with_suffix("")
        built = site / ("index.html" if page.name == "index" else f"{page}/index.html")
        if anchor:
            assert f'id="{anchor}"' in built.read_text(), f"{path}#{anchor}"


def test_guidance_that_parts_from_the_checks_fails_the_build(tmp_path, code_checks):
    # A copy of the site's sources, with one check's guidance taken out and one for a check the
    # code does not have put in; a page names that check too.
    shutil.copy(REPO_ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(REPO_ROOT / "docs", tmp_path / "docs")
    (tmp_path / "benchmarks").mkdir()
    shutil.copy(REPO_ROOT / "benchmarks/RESULTS.md", tmp_path / "benchmarks/RESULTS.md")
    guidance = yaml.safe_load((tmp_path / GUIDANCE).read_text())
    asset, name = sorted(code_checks)[0]
    del guidance[asset][name]
    guidance["benchmark_trials"]["checked_by_nobody"] = "Nothing to do: no such check exists."
    (tmp_path / GUIDANCE).write_text(yaml.safe_dump(guidance))
    page = tmp_path / "docs/schema.md"
    page.write_text(page.read_text() + "\nSee {check:checked_by_nobody}.\n")

    built = build(tmp_path, tmp_path / "site")

    log = built.stdout + built.stderr
    assert built.returncode != 0
    assert f"check {name} on {asset} has no entry in check_guidance.yml" in log
    assert "describes check checked_by_nobody on benchmark_trials" in log
    assert "schema.md: {check:checked_by_nobody}: no such check" in log
