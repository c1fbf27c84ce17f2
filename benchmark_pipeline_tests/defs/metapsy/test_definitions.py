"""The metapsy group as the code location declares it: assets, table metadata, checks, config."""

from pathlib import Path

import dagster as dg

from benchmark_pipeline.constants import METAPSY_GROUP, REPO_ROOT
from benchmark_pipeline.definitions import defs
from benchmark_pipeline.defs.metapsy.config import MetapsyEffectSizesConfig, resolve_snapshot_dir
from benchmark_pipeline.lib.metapsy.contract import TABLE_COLUMNS

ASSETS = {dg.AssetKey("metapsy_effect_sizes"), dg.AssetKey("metapsy_pooled_effects")}


def test_metapsy_assets_are_grouped_described_and_checked() -> None:
    definitions = defs()
    graph = definitions.resolve_asset_graph()
    specs = {s.key: s for s in definitions.resolve_all_asset_specs() if s.key in ASSETS}
    assert set(specs) == ASSETS
    for spec in specs.values():
        assert spec.group_name == METAPSY_GROUP and spec.kinds and spec.owners
        assert len(spec.description) > 100
        assert isinstance(spec.metadata["dagster/column_schema"], dg.TableSchema)
    outcomes = specs[dg.AssetKey("metapsy_effect_sizes")]
    assert outcomes.metadata["dagster/table_name"] == "public.benchmark_study_outcomes"
    columns = [c.name for c in outcomes.metadata["dagster/column_schema"].columns]
    assert columns == [*TABLE_COLUMNS, "updated_at"]
    assert dg.AssetKey("benchmark_schema") in {d.asset_key for d in outcomes.deps}
    pooled = specs[dg.AssetKey("metapsy_pooled_effects")]
    assert {d.asset_key for d in pooled.deps} == {dg.AssetKey("metapsy_effect_sizes")}

    checks = {
        k.name: graph.get_check_spec(k).blocking
        for k in graph.asset_check_keys
        if k.asset_key in ASSETS
    }
    assert checks == {
        "mirrors_valid_rows": False,  # emitted by the load itself, after its transaction
        "rejected_rows": False,
        "matches_published_result": True,
    }


def test_default_config_reads_the_pinned_snapshots_offline() -> None:
    config = MetapsyEffectSizesConfig()
    folders = [resolve_snapshot_dir(d) for d in config.snapshot_dirs]
    assert folders == [
        REPO_ROOT / "data" / "metapsy" / "depression-psiloctr",
        REPO_ROOT / "data" / "metapsy" / "ptsd-mdmactr",
    ]
    assert all((f / "data.csv").is_file() for f in folders)
    assert (config.dry_run, config.allow_mass_removal) == (False, False)
    assert resolve_snapshot_dir("/elsewhere/x") == Path("/elsewhere/x")
