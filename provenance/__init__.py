"""Document provenance: registered domains, dates and LLM era, HTML metadata, AI disclosures, language (no Beam)."""
