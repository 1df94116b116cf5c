"""Country-evidence pages: how dangerous was this place on this date, with numbers and sources.

``/<lang>/evidence/`` answers for any place and date (figures about places are not personal
data, so researchers use it too); ``/<lang>/evidence/case/<pk>/`` reads the client's home area
on each date that matters in a case. The figures come from :mod:`asylon.evidence`; this app
only chooses what to read and renders it.
"""
