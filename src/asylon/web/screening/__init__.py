"""Screening a case's applicant and family against the accountability register (web side)."""
