"""The one error of the documents package."""

from __future__ import annotations


class DocumentError(ValueError):
    """A document cannot be made from what was given; the message names the problem."""
