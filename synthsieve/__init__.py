"""synthsieve: tag provenance, detect machine-written text and split a corpus into human / synthetic / uncertain."""

__version__ = "0.1.0"
