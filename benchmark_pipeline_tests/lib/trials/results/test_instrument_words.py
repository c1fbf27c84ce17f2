"""The instrument word lists name only instruments of data/benchmark_instruments.csv, and each
instrument's own name and full name there are recognised as that instrument."""

import pytest

from benchmark_pipeline.lib.cohorts.instruments import read_instruments
from benchmark_pipeline.lib.trials.results.instrument_finding import find_instrument
from benchmark_pipeline.lib.trials.results.instrument_words import (
    CONFIRMING_WORDS,
    CONSTRUCTS,
    FAMILY_WORDS,
    INSTRUMENT_WORDS,
    LOOKALIKE_WORDS,
    OTHER_SCALES,
)

CSV = read_instruments()
NAMES = {i.name for i in CSV.instruments}


def test_the_csv_reads_whole() -> None:
    assert CSV.rejections == ()


def test_every_key_is_an_instrument_of_the_csv() -> None:
    assert set(INSTRUMENT_WORDS) <= NAMES
    assert set(FAMILY_WORDS) <= NAMES
    assert set(CONFIRMING_WORDS) <= NAMES
    assert set(CONSTRUCTS) == set(INSTRUMENT_WORDS)
    assert {target for _, target in LOOKALIKE_WORDS} <= NAMES


def test_every_instrument_of_the_csv_has_words() -> None:
    assert set(INSTRUMENT_WORDS) == NAMES


def test_no_phrase_is_both_an_instrument_and_something_else() -> None:
    own = {w.lower() for words in INSTRUMENT_WORDS.values() for w in words}
    elsewhere = {w.lower() for words in LOOKALIKE_WORDS.values() for w in words}
    elsewhere |= {w.lower() for words in FAMILY_WORDS.values() for w in words}
    elsewhere |= {w.lower() for w in OTHER_SCALES}
    assert own & elsewhere == set()


@pytest.mark.parametrize("instrument", CSV.instruments, ids=lambda i: i.name)
def test_the_csv_name_and_full_name_are_recognised(instrument) -> None:
    assert find_instrument(instrument.name, None).instrument == instrument.name
    found = find_instrument(instrument.full_name, None)
    assert found.instrument == instrument.name, found.why
    assert found.match.startswith("title: '")
