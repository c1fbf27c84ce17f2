"""What a loopback receiver has collected, and a wait for the next arrivals."""

import threading
from typing import Generic, TypeVar

T = TypeVar("T")


class Inbox(Generic[T]):
    """Items appended from a server thread, read from the test's thread."""

    def __init__(self) -> None:
        self._items: list[T] = []
        self._changed = threading.Condition()

    def add(self, item: T) -> None:
        with self._changed:
            self._items.append(item)
            self._changed.notify_all()

    @property
    def items(self) -> list[T]:
        """A copy of everything received so far, oldest first."""
        with self._changed:
            return list(self._items)

    def wait_for(self, count: int, timeout: float) -> list[T]:
        """Everything received once there are at least ``count`` items; ``AssertionError``
        after ``timeout`` seconds, listing what did arrive."""
        with self._changed:
            if self._changed.wait_for(lambda: len(self._items) >= count, timeout=timeout):
                return list(self._items)
            raise AssertionError(
                f"expected at least {count} within {timeout:.0f} s, received "
                f"{len(self._items)}: {self._items!r}"
            )
