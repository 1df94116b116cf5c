"""Dated parameter files, one per jurisdiction profile (package data)."""
