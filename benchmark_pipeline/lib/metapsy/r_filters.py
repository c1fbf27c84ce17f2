"""The maintainers' ``filterPoolingData`` statements, evaluated as R evaluates them.

The methods guides state each primary model's rows as R expressions over the dataset's columns
(``primary_instrument == "1"``, ``is.na(post_crossover) | !Detect(post_crossover, "1")``, ...).
They are kept here verbatim and parsed, so the text shown to a reviewer is the text that runs.
Semantics follow R and dplyr: a column compared with a string is compared as text (a 0/1
column reads "0"/"1"); ``Detect`` is metapsyTools' ``stringr::str_detect`` (a case-sensitive
regular expression); NA propagates through ``==``, ``!``, ``&`` and ``|`` by Kleene logic
(pandas' nullable booleans do the same); and ``dplyr::filter`` keeps a row only where every
statement is TRUE, so NA drops it.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from benchmark_pipeline.lib.metapsy.contract import CSV_NAMES

Value = pd.Series | str
_TOKEN = re.compile(
    r'\s*(?:(?P<string>"[^"]*"|\'[^\']*\')|(?P<name>[A-Za-z_.][A-Za-z0-9_.]*)'
    r"|(?P<op>==|!=|[!&|(),]))"
)
_COLUMN_OF = {alias: name for name, alias in CSV_NAMES.items()}


class FilterSyntaxError(ValueError):
    """A filter statement is outside the small part of R this module understands."""


def _as_r_text(series: pd.Series) -> pd.Series:
    """A column as R's ``as.character`` shows it: TRUE/FALSE flags were 1/0 in the file."""
    if series.dtype == "boolean":
        series = series.astype("Int64")
    if series.dtype == "Float64":
        # R prints 4 and 4.5; Python would print 4.0.
        series = series.map(lambda v: v if pd.isna(v) else f"{v:.15g}", na_action="ignore")
    return series.astype("string")


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    while position < len(text.rstrip()):
        match = _TOKEN.match(text, position)
        if not match:
            raise FilterSyntaxError(f"cannot read {text[position:]!r} in {text!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class _Parser:
    """Recursive descent over: or := and ('|' and)*; and := not ('&' not)*;
    not := '!' not | cmp; cmp := atom (('==' | '!=') atom)?;
    atom := '(' or ')' | name '(' args ')' | name | string."""

    def __init__(self, text: str):
        self.text, self.tokens, self.i = text, _tokens(text), 0

    def parse(self) -> Callable[[pd.DataFrame], Value]:
        node = self._or()
        if self.i != len(self.tokens):
            raise FilterSyntaxError(f"unexpected {self.tokens[self.i][1]!r} in {self.text!r}")
        return node

    def _peek(self) -> str | None:
        return self.tokens[self.i][1] if self.i < len(self.tokens) else None

    def _take(self, expected: str | None = None) -> tuple[str, str]:
        if self.i >= len(self.tokens) or (expected and self.tokens[self.i][1] != expected):
            raise FilterSyntaxError(f"expected {expected or 'more'} in {self.text!r}")
        self.i += 1
        return self.tokens[self.i - 1]

    def _or(self):
        node = self._and()
        while self._peek() == "|":
            self._take()
            node = (lambda a, b: lambda f: a(f) | b(f))(node, self._and())
        return node

    def _and(self):
        node = self._not()
        while self._peek() == "&":
            self._take()
            node = (lambda a, b: lambda f: a(f) & b(f))(node, self._not())
        return node

    def _not(self):
        if self._peek() == "!":
            self._take()
            inner = self._not()
            return lambda f: ~inner(f)
        return self._cmp()

    def _cmp(self):
        left = self._atom()
        if self._peek() in ("==", "!="):
            op, right = self._take()[1], self._atom()
            if op == "==":
                return lambda f: left(f) == right(f)
            return lambda f: left(f) != right(f)
        return left

    def _atom(self):
        kind, token = self._take()
        if token == "(":
            node = self._or()
            self._take(")")
            return node
        if kind == "string":
            return lambda f, s=token[1:-1]: s
        if kind != "name":
            raise FilterSyntaxError(f"unexpected {token!r} in {self.text!r}")
        if self._peek() == "(":
            return self._call(token)
        if token not in _COLUMN_OF:
            raise FilterSyntaxError(f"unknown column {token!r} in {self.text!r}")
        return lambda f, c=_COLUMN_OF[token]: _as_r_text(f[c])

    def _call(self, function: str):
        self._take("(")
        args = [self._atom()]
        while self._peek() == ",":
            self._take()
            args.append(self._atom())
        self._take(")")
        if function == "is.na" and len(args) == 1:
            return lambda f: args[0](f).isna().astype("boolean")
        if function == "Detect" and len(args) == 2:
            return lambda f: args[0](f).str.contains(args[1](f), regex=True)
        raise FilterSyntaxError(f"unknown function {function}() in {self.text!r}")


@dataclass(frozen=True)
class RFilter:
    """One statement of a ``filterPoolingData`` call, as written in the methods guide."""

    text: str

    def __post_init__(self) -> None:
        _Parser(self.text).parse()  # refuse an unreadable statement when it is declared

    def evaluate(self, frame: pd.DataFrame) -> pd.Series:
        """TRUE, FALSE or NA per row of ``frame`` (table columns, typed)."""
        result = _Parser(self.text).parse()(frame)
        if isinstance(result, str):
            raise FilterSyntaxError(f"{self.text!r} is a constant, not a condition")
        return result.astype("boolean")
