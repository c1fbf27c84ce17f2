"""Finding the TEDS-D file on disk: a path or URL, a folder of yearly files, a zip or the CSV in
it; then its character encoding and delimiter.

SAMHSA distributes one zip per year holding the data file. Not every year's file is the same
kind: the 2021 file needs latin-1 (github.com/HI-OD2A-P2P/TEDS-Processing,
``TEDS-D/LoadData_TEDS_D.py`` lines 117-121, commit 6bdcce7), and that repository also ships a
converter for tab-separated TEDS files (``convert_tsv_to_csv.py``). So nothing is assumed from a
file's name: a zip is recognised by its content, the encoding by whether every byte decodes as
UTF-8 (else latin-1, which decodes any byte), the delimiter by which one splits the header into
the expected columns.
"""

import codecs
import contextlib
import shutil
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

DATA_SUFFIXES = (".csv", ".tsv", ".txt")
DELIMITERS = (",", "\t", ";", "|")
_CHUNK = 16 * 1024 * 1024


class TedsFileError(ValueError):
    """The file cannot be read as a TEDS-D public-use file; the message names it and says why."""


@dataclass(frozen=True)
class LocalFile:
    """A data file ready to read, and where it came from."""

    path: Path
    source: str  # the path or URL as given (a URL without its query string)
    member: str | None = None  # the file's name inside the zip it came from


def describe_location(location: str) -> str:
    """``location`` fit for logs and metadata: a URL loses its query string and credentials."""
    parts = urlsplit(location)
    if parts.scheme in ("http", "https"):
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{parts.hostname or ''}{port}{parts.path}"
    return location


def is_url(location: str) -> bool:
    return urlsplit(location).scheme in ("http", "https")


def _download(url: str, target: Path, timeout: float) -> Path:
    shown = describe_location(url)
    try:
        with httpx.stream("GET", url, follow_redirects=True, timeout=timeout) as response:
            if response.status_code != 200:
                raise TedsFileError(f"{shown}: HTTP {response.status_code}, nothing read")
            with target.open("wb") as out:
                for chunk in response.iter_bytes(_CHUNK):
                    out.write(chunk)
    except httpx.HTTPError as exc:
        raise TedsFileError(f"{shown}: download failed ({type(exc).__name__})") from None
    return target


def _data_members(archive: zipfile.ZipFile) -> list[str]:
    return [
        name
        for name in archive.namelist()
        if not name.endswith("/") and name.lower().endswith(DATA_SUFFIXES)
    ]


def _extract(path: Path, source: str, workdir: Path) -> LocalFile:
    """The one data file inside the zip at ``path``, extracted into ``workdir``."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = _data_members(archive)
            if len(members) != 1:
                raise TedsFileError(
                    f"{source}: the zip must hold exactly one data file "
                    f"({', '.join(DATA_SUFFIXES)}); it holds {members or archive.namelist()}"
                )
            target = workdir / Path(members[0]).name
            with archive.open(members[0]) as data, target.open("wb") as out:
                shutil.copyfileobj(data, out, _CHUNK)
    except zipfile.BadZipFile as exc:
        raise TedsFileError(f"{source}: not a readable zip ({exc})") from None
    return LocalFile(target, source, members[0])


def files_in(location: str) -> list[str]:
    """The file(s) ``location`` names: itself, or each zip/CSV/TSV directly inside a folder."""
    if is_url(location):
        return [location]
    path = Path(location)
    if path.is_dir():
        found = sorted(
            str(p)
            for p in path.iterdir()
            if p.is_file() and p.suffix.lower() in (".zip", *DATA_SUFFIXES)
        )
        if not found:
            raise TedsFileError(f"{location}: the folder holds no .zip, .csv or .tsv file")
        return found
    if not path.is_file():
        raise TedsFileError(f"{location}: no such file")
    return [location]


@contextlib.contextmanager
def local_file(location: str, *, timeout: float = 600.0) -> Iterator[LocalFile]:
    """The data file at ``location`` (path or http(s) URL, a zip or the file itself) as a local
    file; a download or extraction lives in a temporary folder removed afterwards."""
    source = describe_location(location)
    with tempfile.TemporaryDirectory(prefix="teds_") as tmp:
        workdir = Path(tmp)
        path = _download(location, workdir / "download", timeout) if is_url(location) else None
        path = path or Path(location)
        if zipfile.is_zipfile(path):
            yield _extract(path, source, workdir)
        else:
            yield LocalFile(path, source)


def detect_encoding(path: Path) -> str:
    """``utf-8`` when the whole file decodes as UTF-8, else ``latin-1`` (which decodes any byte)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as data:
            while chunk := data.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "latin-1"
    return "utf-8"


def header_line(path: Path, encoding: str) -> str:
    with path.open(encoding=encoding, newline="") as text:
        return text.readline().lstrip("\ufeff").rstrip("\r\n")


def split_header(line: str, delimiter: str) -> list[str]:
    return [name.strip().strip('"').strip() for name in line.split(delimiter)]


def detect_delimiter(line: str, required: Sequence[Sequence[str]], source: str) -> str:
    """The delimiter that splits the header ``line`` into every required column (each given as
    its accepted names); fails naming the columns no delimiter finds."""
    best, best_missing = None, None
    for delimiter in DELIMITERS:
        names = {name.upper() for name in split_header(line, delimiter)}
        missing = [" or ".join(options) for options in required if names.isdisjoint(options)]
        if not missing:
            return delimiter
        if best_missing is None or len(missing) < len(best_missing):
            best, best_missing = delimiter, missing
    raise TedsFileError(
        f"{source}: not a TEDS-D discharges file: its header (split on {best!r}) lacks "
        f"{', '.join(best_missing or [])}"
    )
