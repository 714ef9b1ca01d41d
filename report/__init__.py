"""Corpus health: counts, score distributions, diversity against a human reference and trends of a run's output."""
