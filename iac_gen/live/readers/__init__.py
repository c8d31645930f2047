"""Readers for each live-input shape; registered in `iac_gen.live.registry`."""
