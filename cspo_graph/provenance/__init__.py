"""Provenance checks against the source texts."""
