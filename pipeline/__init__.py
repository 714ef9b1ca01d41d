"""Beam plumbing: the job graph, its DoFns, staging and publishing, the manifest; annotate.py is the pure core."""
