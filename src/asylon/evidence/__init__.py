"""Country-of-origin evidence: gazetteer, conflict-event store, indicators, country guidance.

Implements the interface ``asylon.law.evidence.CountryEvidence`` that the legal core reads.
"""
