"""What the fake API can do wrong, and the shapes of its answers.

``Faults`` is the standing setting (changeable while serving): transient failures at a rate,
an outage, an extra empty page, an overcounted ``totalCount``, a malformed ``/studies`` page and
a body dripped slowly. ``FakeCtgov.queue`` scripts single answers on top of it.
"""

from dataclasses import dataclass, field

FAULT_KINDS = ("429", "503", "timeout", "reset")
MALFORMED = ("html", "truncated", "studies_object", "endless_pages")
MAX_STALL_SECONDS = 30.0
RESET = "reset"  # the connection is closed with no answer (a TCP reset)
TIMEOUT = "timeout"  # the answer comes too late (``stall_seconds``)


@dataclass(frozen=True)
class Reply:
    """An answer: status, body and content type; a body may be dripped, ``drip_bytes`` at a time
    after a pause of ``drip_seconds`` each."""

    status: int
    body: bytes
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    drip_seconds: float = 0.0
    drip_bytes: int = 1

    @classmethod
    def text(cls, status: int, text: str, headers: dict[str, str] | None = None) -> "Reply":
        return cls(status, text.encode("utf-8"), "text/plain", headers or {})


@dataclass(frozen=True)
class Stall:
    """No answer for ``seconds`` (longer than the client waits): a read timeout."""

    seconds: float


@dataclass(frozen=True)
class Faults:
    """What goes wrong, and how often.

    ``rate``: share of requests (0..1) that fail transiently, each with a kind drawn from
    ``kinds`` by a generator seeded with ``seed``: ``"429"`` (with ``Retry-After: retry_after``
    seconds, no header when None), ``"503"``, ``"timeout"`` (the answer comes ``stall_seconds``
    late, at most 30 s; set it above the client's timeout) and ``"reset"`` (the socket is closed
    with a TCP reset and no response). ``down``: every request gets 503. ``paths`` limits the
    transient faults and ``down`` to these endpoints (e.g. ``("/studies",)``; empty: all).
    ``empty_page``: each listing of more than one page gets one extra empty page (with a next
    token) after its first. ``empty_pages``: this many empty pages (each with a new next
    token) before every page after the first, as the real API may serve them. ``overcount``: the first page's ``totalCount`` announces this many
    studies more than there are. ``malformed``: every ``/studies`` page is ``"html"`` (a 200
    maintenance page), ``"truncated"`` (the first half of the JSON), ``"studies_object"``
    (``studies`` an object instead of an array) or ``"endless_pages"`` (no study, a fresh
    ``nextPageToken`` every time). ``drip_seconds``: every 200 body is sent ``drip_bytes`` at a
    time with this pause before each piece.
    """

    rate: float = 0.0
    kinds: tuple[str, ...] = FAULT_KINDS
    retry_after: int | None = 0
    stall_seconds: float = 1.0
    down: bool = False
    paths: tuple[str, ...] = ()
    empty_page: bool = False
    empty_pages: int = 0
    overcount: int = 0
    malformed: str | None = None
    drip_seconds: float = 0.0
    drip_bytes: int = 1
    seed: int = 0

    def __post_init__(self) -> None:
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError(f"fault rate must be within 0..1, got {self.rate}")
        if unknown := set(self.kinds) - set(FAULT_KINDS):
            raise ValueError(f"unknown fault kinds {sorted(unknown)}; known: {FAULT_KINDS}")
        if not 0.0 <= self.stall_seconds <= MAX_STALL_SECONDS:
            raise ValueError(f"stall_seconds must be within 0..{MAX_STALL_SECONDS}")
        if self.malformed is not None and self.malformed not in MALFORMED:
            raise ValueError(f"unknown malformed kind {self.malformed!r}; known: {MALFORMED}")
        if self.empty_pages < 0:
            raise ValueError("empty_pages must not be negative")
        if self.drip_bytes < 1:
            raise ValueError("drip_bytes must be at least 1")
