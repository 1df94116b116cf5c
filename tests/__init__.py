"""Asylon's test suite. Speed is measured by ``make bench``, never by a timed test: hypothesis's
per-example deadline (200 ms) is switched off for the whole suite, since a loaded CI machine
(or the first example paying for a lexicon or a font cache) trips it without any fault."""

from hypothesis import settings

settings.register_profile("asylon", deadline=None)
settings.load_profile("asylon")
