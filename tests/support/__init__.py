"""Shared helpers of opkit's test suite."""
