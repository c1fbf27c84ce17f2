"""Finding the data file: zip or not, path, folder or URL (served on loopback), its encoding and
its delimiter."""

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmark_pipeline.lib.baselines.source import (
    TedsFileError,
    describe_location,
    detect_delimiter,
    detect_encoding,
    files_in,
    local_file,
)

REQUIRED = [("DISYR",), ("GENDER", "SEX"), ("REASON",)]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """``tmp_path`` served over HTTP on loopback; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_utf8_is_kept_and_any_non_utf8_byte_means_latin1(tmp_path):
    utf8 = tmp_path / "u.csv"
    utf8.write_text("A,B\n1,Ca\u00f1on\n", encoding="utf-8")
    latin = tmp_path / "l.csv"
    latin.write_bytes(b"A,B\n" + b"1,x\n" * 100_000 + "2,Ca\u00f1on\n".encode("latin-1"))
    assert detect_encoding(utf8) == "utf-8"
    assert detect_encoding(latin) == "latin-1"


@pytest.mark.parametrize("delimiter", [",", "\t", ";", "|"])
def test_the_delimiter_is_the_one_that_finds_the_columns(delimiter):
    header = delimiter.join(["CASEID", "DISYR", "Gender", '"REASON"', "LOS"])
    assert detect_delimiter(header, REQUIRED, "f.csv") == delimiter


def test_a_header_without_the_variables_names_what_is_missing():
    with pytest.raises(TedsFileError, match=r"f\.csv: not a TEDS-D discharges file.*GENDER or SEX"):
        detect_delimiter("CASEID,DISYR,REASON,AGE", REQUIRED, "f.csv")


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def test_a_zip_is_opened_by_content_and_its_one_data_file_extracted(tmp_path):
    archive = _zip(
        tmp_path / "bundle.bin",
        {"docs/codebook.pdf": b"%PDF-1.4", "tedsd_puf_2019.csv": b"DISYR\n2019\n"},
    )
    with local_file(str(archive)) as file:
        assert file.member == "tedsd_puf_2019.csv"
        assert file.path.read_bytes() == b"DISYR\n2019\n"
        extracted = file.path
    assert not extracted.exists()  # the temporary folder is gone


def test_a_zip_with_no_or_two_data_files_is_refused_naming_them(tmp_path):
    two = _zip(tmp_path / "two.zip", {"a.csv": b"x", "b.tsv": b"y"})
    with pytest.raises(TedsFileError, match=r"exactly one data file.*a\.csv.*b\.tsv"):
        with local_file(str(two)):
            pass
    none = _zip(tmp_path / "none.zip", {"readme.pdf": b"%PDF"})
    with pytest.raises(TedsFileError, match="readme.pdf"):
        with local_file(str(none)):
            pass


def test_a_plain_file_is_used_where_it_is(tmp_path):
    data = tmp_path / "tedsd.csv"
    data.write_text("DISYR\n2019\n")
    with local_file(str(data)) as file:
        assert file.path == data and file.member is None


def test_a_folder_lists_its_yearly_files_and_a_missing_path_fails(tmp_path):
    (tmp_path / "b.zip").write_bytes(b"")
    (tmp_path / "a.csv").write_text("")
    (tmp_path / "notes.md").write_text("")
    assert files_in(str(tmp_path)) == [str(tmp_path / "a.csv"), str(tmp_path / "b.zip")]
    with pytest.raises(TedsFileError, match="no such file"):
        files_in(str(tmp_path / "absent.zip"))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(TedsFileError, match="no .zip, .csv or .tsv"):
        files_in(str(empty))


def test_a_url_is_downloaded_and_unzipped(tmp_path, served):
    _zip(tmp_path / "teds.zip", {"tedsd_puf_2019.csv": b"DISYR\n2019\n"})
    with local_file(f"{served}/teds.zip?token=secret") as file:
        assert file.path.read_bytes() == b"DISYR\n2019\n"
        assert file.source == f"{served}/teds.zip"
        assert "secret" not in file.source


def test_a_url_that_fails_is_named_without_its_query(served):
    with pytest.raises(TedsFileError) as failure:
        with local_file(f"{served}/absent.zip?token=secret"):
            pass
    assert "HTTP 404" in str(failure.value) and "/absent.zip" in str(failure.value)
    assert "secret" not in str(failure.value)
    assert describe_location("https://user:pw@host/x.zip?k=v") == "https://host/x.zip"
