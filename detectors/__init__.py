"""AI-text detectors: pure, batch-oriented scorers with versioned names (no Beam imports)."""
