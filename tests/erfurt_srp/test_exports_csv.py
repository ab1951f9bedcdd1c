"""The shared CSV guard: formulas are neutralised, numbers are written as they are."""

from decimal import Decimal

from erfurt_srp.exports.csv import csv_bytes, guard_cell


def test_formulas_get_a_quote_prefix():
    for text in ("=SUM(A1)", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "-", "\tx"):
        assert guard_cell(text) == "'" + text


def test_negative_numbers_are_not_prefixed():
    assert guard_cell(Decimal("-0.700")) == "-0.700"
    assert guard_cell(-3) == "-3"
    assert guard_cell(-1.5) == "-1.5"
    assert guard_cell("-0,700") == "-0,700"
    assert guard_cell("-1.234,5") == "-1.234,5"


def test_csv_bytes_keeps_negative_numbers():
    content = csv_bytes(["a", "b"], [[Decimal("-1.5"), "-2,5"]]).decode("utf-8-sig")
    assert content.splitlines()[1] == "-1.5;-2,5"
