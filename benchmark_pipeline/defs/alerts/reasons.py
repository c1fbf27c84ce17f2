"""A failed run's reason as one sentence, the same the run shows: a ``dg.Failure``'s own
description, or Dagster's words for the step followed by the error raised in it."""

from typing import Protocol


class ErrorInfo(Protocol):
    """Dagster's serializable error: the exception's first line and what caused it."""

    message: str
    cause: "ErrorInfo | None"


def _own_words(message: str) -> str:
    """``message`` without the dotted class path Dagster puts before it: a Dagster class is
    dropped (``dagster._core.definitions.events.Failure: reason`` -> ``reason``), any other is
    kept by its name (``pkg.mod.DatabaseConnectionError: x`` -> ``DatabaseConnectionError: x``)."""
    text = " ".join(message.split())
    path, sep, rest = text.partition(": ")
    if not sep or " " in path or "." not in path:
        return text
    if path.startswith("dagster."):
        return rest
    return f"{path.rsplit('.', 1)[-1]}: {rest}"


def error_sentence(error: ErrorInfo) -> str:
    """The error and its causes, outermost first, as one sentence ending in a full stop."""
    parts = []
    current: ErrorInfo | None = error
    while current is not None:
        part = _own_words(current.message)
        if part:
            parts.append(part)
        current = current.cause
    sentence = " ".join(parts).strip()
    return sentence if sentence.endswith((".", "!", "?")) else f"{sentence}."


def run_failure_sentence(failure_data: object, step_errors: list[ErrorInfo], fallback: str) -> str:
    """The reason of a run's failure from its failure event's data (``JobFailureData``), else
    its first failed step's error, else ``fallback`` (the event's own message)."""
    error = getattr(failure_data, "error", None)
    if error is None and step_errors:
        error = step_errors[0]
    return error_sentence(error) if error is not None else fallback
