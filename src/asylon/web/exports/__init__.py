"""Bulk exports of personal data behind a supervisor's approval (Bayanat's practice)."""
