"""Glue for CI systems: what the GitHub Action and the pre-commit hooks run around the CLI."""
