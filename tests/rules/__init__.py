"""Tests of the lint rule catalog and runner."""
