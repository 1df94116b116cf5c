"""Asylon: asylum protection and accountability."""

__version__ = "0.1.0"
