"""Statistics: asylum practice from public data, disclosure control, documented deaths.

The computing modules are pure (:mod:`asylon.stats.practice`, :mod:`asylon.stats.disclosure`,
:mod:`asylon.stats.intruder`); :mod:`asylon.stats.unhcr` reads the shipped UNHCR tables and
:mod:`asylon.stats.deaths` queries the evidence store.
"""
