"""Connection strings: redaction so that a password never reaches a log or an error."""

import re

_URL_PASSWORD = re.compile(
    r"(?P<head>[a-z][a-z0-9+.-]*://[^:/@\s]*:)(?P<secret>[^@\s]*)(?P<tail>@)", re.I
)
_KEYWORD_PASSWORD = re.compile(
    r"(?P<head>\bpassword\s*=\s*)(?P<secret>'(?:[^'\\]|\\.)*'|\S+)", re.I
)


def redact(text: str, *secrets: str | None) -> str:
    """Return ``text`` with URL passwords, ``password=`` values and any given secret masked."""
    text = _URL_PASSWORD.sub(lambda m: f"{m['head']}***{m['tail']}", text)
    text = _KEYWORD_PASSWORD.sub(lambda m: f"{m['head']}***", text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def password_of(dsn: str) -> str | None:
    """The password held in a URL or keyword DSN, or None."""
    match = _URL_PASSWORD.search(dsn) or _KEYWORD_PASSWORD.search(dsn)
    if not match or not match["secret"]:
        return None
    return match["secret"].strip("'")
