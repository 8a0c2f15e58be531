"""parsers/spans.py: the span merge shared by the PDF front-end (value columns from text
positions) and OCR (columns from ink and from header labels)."""
from parsers.spans import merged_spans


def test_overlapping_and_touching_spans_merge_and_apart_ones_do_not():
    assert merged_spans([(10, 20), (30, 40), (18, 25), (25, 28), (41, 50)]) == [(10, 28), (30, 40), (41, 50)]


def test_a_span_inside_another_keeps_the_outer_end():
    assert merged_spans([(0, 100), (10, 20), (99, 101)]) == [(0, 101)]


def test_a_tolerance_merges_spans_that_near_each_other():
    spans = [(100.0, 110.0), (113.0, 120.0), (123.5, 130.0)]
    assert merged_spans(spans, tolerance=3.0) == [(100.0, 120.0), (123.5, 130.0)]
    assert merged_spans(spans, tolerance=3.5) == [(100.0, 130.0)]
    assert merged_spans(spans) == spans


def test_the_order_given_does_not_matter():
    spans = [(50, 60), (5, 8), (59, 70), (7, 9), (30, 31)]
    assert merged_spans(spans) == merged_spans(reversed(spans)) == [(5, 9), (30, 31), (50, 70)]


def test_no_spans_give_no_bands():
    assert merged_spans([]) == []
    assert merged_spans(iter(()), tolerance=3.0) == []
