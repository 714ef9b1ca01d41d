"""Near-duplicate signals: MinHash signatures and LSH band keys computed in batches with numpy (no Beam)."""
