"""Per-text likelihood statistics of a causal language model (the features of ``lm_v2``), pure numpy.

The model's log-probabilities are taken one text at a time (``(tokens, vocab)``, never a whole batch's logits
tensor). For each scored token ``t`` with log-probabilities ``log p_t(.)`` and observed token ``x_t``:

- ``logp``: ``log p_t(x_t)``; ``entropy``: ``-sum_v p_t(v) log p_t(v)``; ``rank``: 1 + the number of tokens more
  likely than ``x_t``.
- Fast-DetectGPT's analytic sampling discrepancy (Bao et al., ICLR 2024) with the model as its own sampler:
  ``curvature = sum_t (logp_t - mu_t) / sqrt(sum_t var_t)``, ``mu_t`` and ``var_t`` the mean and variance of
  ``log p_t`` under the model's own samples (``mu_t`` = -entropy). Machine text sits near the model's mode.
- ``ppl_entropy_ratio``: mean ``-logp`` over mean entropy, Binoculars' ratio (Hans et al., ICML 2024) with one model
  as observer and performer.
- Burstiness across sentences: ``sent_logp_std``, the spread of the sentences' mean ``logp`` (people vary more).

``FEATURES`` lists all 17: these, with quantiles of ``logp``, rank and top-k shares and their correlations.
"""

from __future__ import annotations

import numpy as np

QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)
FEATURES = (
    "mean_logp",
    "std_logp",
    *(f"logp_q{round(q * 100)}" for q in QUANTILES),
    "mean_entropy",
    "std_entropy",
    "mean_logrank",
    "top1_share",
    "top10_share",
    "curvature",
    "ppl_entropy_ratio",
    "sent_logp_std",
    "logp_entropy_corr",
    "mean_excess",
)


def token_values(log_probs: np.ndarray, probs: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per-token ``logp``, ``entropy``, ``var`` and ``rank`` of one text.

    Args:
        log_probs: ``(tokens, vocab)`` float32 log-probabilities predicting ``targets``.
        probs: ``exp(log_probs)``, float32; overwritten (it is the scratch space of the variance).
        targets: ``(tokens,)`` observed token ids.
    """
    logp = log_probs[np.arange(len(targets)), targets]
    mu = np.einsum("ij,ij->i", probs, log_probs)
    np.multiply(probs, log_probs, out=probs)
    second = np.einsum("ij,ij->i", probs, log_probs)
    rank = np.count_nonzero(log_probs > logp[:, None], axis=1) + 1.0
    var = np.maximum(second.astype(np.float64) - mu.astype(np.float64) ** 2, 0.0)
    return logp.astype(np.float64), -mu.astype(np.float64), var, rank


def aggregate(logp: np.ndarray, entropy: np.ndarray, var: np.ndarray, rank: np.ndarray, ends: np.ndarray):
    """The ``FEATURES`` of one text (float64 vector) from its per-token values; ``ends`` marks tokens that end a
    sentence (the next token starts a new one)."""
    mean_logp, mean_entropy = logp.mean(), entropy.mean()
    sentence = np.concatenate([[0], np.cumsum(ends[:-1])]).astype(np.int64)
    counts = np.bincount(sentence)
    means = np.bincount(sentence, logp)[counts > 0] / counts[counts > 0]
    spread = logp.std() > 0 and entropy.std() > 0
    return np.array(
        [
            mean_logp,
            logp.std(),
            *np.quantile(logp, QUANTILES),
            mean_entropy,
            entropy.std(),
            np.log(rank).mean(),
            np.mean(rank == 1),
            np.mean(rank <= 10),
            (logp + entropy).sum() / max(np.sqrt(var.sum()), 1e-6),
            -mean_logp / max(mean_entropy, 1e-6),
            means.std() if len(means) > 1 else 0.0,
            np.corrcoef(logp, entropy)[0, 1] if len(logp) > 2 and spread else 0.0,
            (logp + entropy).mean(),
        ]
    )
