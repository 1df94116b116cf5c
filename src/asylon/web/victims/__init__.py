"""Victim lists from several sources, linked into persons and counted (issue 8).

- :mod:`.models`: sources, records (personal fields encrypted), linkage runs, persons and
  reviewers' judgements.
- :mod:`.mapping` and :mod:`.importing`: CSV and XLSX lists through a column mapping, all or
  nothing.
- :mod:`.linking`: records to :func:`asylon.linkage.records.link` and back; split and merge.
- :mod:`.counts`: unique persons by period, governorate, cause, status and source overlap,
  disclosure-controlled; the overlap CSV and the multiple-systems estimate.
- :mod:`.access`: who sees what (the register's staff; researchers only aggregates).
- :mod:`.views`, :mod:`.commands` (``asylon victims``).
"""
