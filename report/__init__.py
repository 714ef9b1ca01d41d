"""Corpus health: counts, score distributions, diversity against known-human text and trends of a run's output."""
