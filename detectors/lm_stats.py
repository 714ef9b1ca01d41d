"""Per-text likelihood statistics from a causal language model's logits (the features of ``lm_v1``).

Pure tensor code over one padded batch, no model: tests check it on hand-made logits. For each scored token ``t``
with log-probabilities ``log p_t(.)`` over the vocabulary and observed token ``x_t``:

- ``logp``: ``log p_t(x_t)``; ``entropy``: ``-sum_v p_t(v) log p_t(v)``; ``rank``: 1 + the number of tokens more
  likely than ``x_t``.
- Fast-DetectGPT's analytic sampling discrepancy (Bao et al., ICLR 2024) with the same model as sampler and scorer:
  ``curvature = sum_t (logp_t - mu_t) / sqrt(sum_t var_t)`` where ``mu_t = sum_v p_t(v) log p_t(v)`` and
  ``var_t = sum_v p_t(v) (log p_t(v))^2 - mu_t^2`` are the mean and variance of ``log p_t`` under the model's own
  samples. Machine text sits near the model's mode: a high curvature.
- ``ppl_entropy_ratio``: mean ``-logp`` over mean entropy, Binoculars' ratio (Hans et al., ICML 2024) with one
  model as observer and performer: how surprising the text is, relative to how surprising the model expects it.
"""

from __future__ import annotations

FEATURES = ("mean_logp", "std_logp", "mean_entropy", "mean_logrank", "top1_share", "curvature", "ppl_entropy_ratio")


def token_statistics(logits, targets, mask) -> dict:
    """The ``FEATURES`` of each row of a batch, as float32 torch tensors of shape ``(batch,)``.

    Args:
        logits: ``(batch, tokens, vocab)`` logits predicting ``targets`` (already shifted: row ``i``, position
            ``t`` is the prediction of ``targets[i, t]``).
        targets: ``(batch, tokens)`` observed token ids.
        mask: ``(batch, tokens)`` 1 where the token is scored, 0 for padding.
    """
    import torch

    lp = torch.log_softmax(logits.float(), dim=-1)
    p = lp.exp()
    logp = lp.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    mu = (p * lp).sum(-1)
    var = ((p * lp * lp).sum(-1) - mu * mu).clamp(min=0.0)
    rank = (lp > logp.unsqueeze(-1)).sum(-1).float() + 1.0
    mask = mask.float()
    n = mask.sum(1).clamp(min=1.0)

    def mean(x):
        return (x * mask).sum(1) / n

    mean_logp, entropy = mean(logp), -mean(mu)
    return {
        "mean_logp": mean_logp,
        "std_logp": mean((logp - mean_logp.unsqueeze(1)) ** 2).sqrt(),
        "mean_entropy": entropy,
        "mean_logrank": mean(rank.log()),
        "top1_share": mean((rank == 1.0).float()),
        "curvature": ((logp - mu) * mask).sum(1) / (var * mask).sum(1).sqrt().clamp(min=1e-6),
        "ppl_entropy_ratio": -mean_logp / entropy.clamp(min=1e-6),
    }
