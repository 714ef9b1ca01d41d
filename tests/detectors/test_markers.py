from synthsieve.detectors.markers import MarkersV1


def test_strong_and_soft_markers_fire_with_reasons():
    texts = [
        "Certainly! Here is the letter you asked for.\n\nDear [Your Name], thanks. I hope this helps!",
        "Regenerate response",
        "Gary said the hope is that this helps the team, honestly.",
    ]
    scores = MarkersV1.load().score(texts)
    assert scores.columns["strong"].tolist() == [1.0, 1.0, 0.0]
    assert scores.columns["soft"].tolist() == [2.0, 0.0, 0.0]
    assert MarkersV1.hard_evidence == "strong" and MarkersV1.probability is None and MarkersV1.languages is None
    assert scores.reasons[0] == [
        "marker:template_placeholder",
        "soft_marker:certainly_here_is",
        "soft_marker:hope_this_helps",
    ]
    assert scores.reasons[2] == []


def test_line_opening_markers_match_at_any_line_start_and_nowhere_else():
    texts = [
        "Sure, here is the plan.",
        "Notes:\n\n  * Of course! Here are the steps.",
        "I am sure, here is where we met.",  # mid-line
        "The summary.\nIn conclusion, it rained.",
        "We wrote in conclusion, then left.",  # mid-line
        "Measure. Here is the tape.",  # "sure" inside a word, mid-line
    ]
    reasons = MarkersV1.load().score(texts).reasons
    assert reasons == [
        ["soft_marker:certainly_here_is"],
        ["soft_marker:certainly_here_is"],
        [],
        ["soft_marker:in_conclusion"],
        [],
        [],
    ]
