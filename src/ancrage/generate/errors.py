"""Errors of the generator, with a French message for the user."""

from __future__ import annotations


class GenerationError(Exception):
    """The synthetic dataset cannot be generated; the message says why, in French."""
