"""The pinned snapshots are the maintainers' files unchanged, and their release records hold."""

import pytest

from benchmark_pipeline.lib.metapsy.snapshot import read_snapshot, release_record_path
from benchmark_pipeline_tests.lib.metapsy.snapshots import DATASETS, PINNED
from benchmark_pipeline_tests.support.reference import ReferenceMissing, reference_dir


@pytest.mark.parametrize("dataset", DATASETS)
def test_pinned_files_are_the_shared_snapshot_byte_for_byte(dataset: str) -> None:
    shared = reference_dir().parent / "datasets" / "metapsy" / dataset
    if not shared.is_dir():
        raise ReferenceMissing(f"shared Metapsy snapshot missing: {shared}")
    ours = {
        p.relative_to(PINNED / dataset): p.read_bytes()
        for p in (PINNED / dataset).rglob("*")
        if p.is_file()
    }
    theirs = {p.relative_to(shared): p.read_bytes() for p in shared.rglob("*") if p.is_file()}
    assert ours == theirs


@pytest.mark.parametrize(
    ("dataset", "release", "commit"),
    [
        ("depression-psiloctr", "25.1.2", "71a102a1b85a58a79ec15632b8b8f6e966eb6a52"),
        ("ptsd-mdmactr", "26.0.1", "ee616708ac50f3bff082a805dd1845044a5f57a6"),
    ],
)
def test_release_records_name_release_commit_licence_and_published_result(
    dataset: str, release: str, commit: str
) -> None:
    snapshot = read_snapshot(PINNED / dataset)
    assert release_record_path(snapshot.folder).name == f"{dataset}.release.json"
    assert (snapshot.release, snapshot.record.commit) == (release, commit)
    assert snapshot.record.license == "ODC-By-1.0"
    assert "opendatacommons.org/licenses/by/1.0" in (snapshot.folder / "license").read_text()
    assert snapshot.record.dataset_doi in (snapshot.folder / "readme.md").read_text()
    assert snapshot.published is not None and snapshot.published.release == release
    assert len(snapshot.authors) >= 10
