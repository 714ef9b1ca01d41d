from synthsieve.detectors.markers import MarkersV1


def test_strong_and_soft_markers_fire_with_reasons():
    texts = [
        "Certainly! Here is the letter you asked for.\n\nDear [Your Name], thanks. I hope this helps!",
        "Regenerate response",
        "Gary said the hope is that this helps the team, honestly.",
    ]
    scores = MarkersV1().score(texts)
    assert scores["strong"].tolist() == [1.0, 1.0, 0.0]
    assert scores["soft"].tolist() == [2.0, 0.0, 0.0]
    assert scores["reasons"][0] == [
        "marker:template_placeholder",
        "soft_marker:certainly_here_is",
        "soft_marker:hope_this_helps",
    ]
    assert scores["reasons"][2] == []
