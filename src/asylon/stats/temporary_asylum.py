"""Which UNHCR decision rows are Russia's temporary asylum, and how they are reported.

Russian law knows two statuses for a person who cannot be returned: refugee status (Federal
Law No. 4528-1 of 19 February 1993 "On Refugees", Art. 1(1), which takes the 1951 Convention
definition) and **temporary asylum** ("временное убежище", the same Law, Art. 12): granted "for
humane reasons" or to a person who meets the refugee definition but asks only for temporary
asylum, for one year at a time, renewable year by year. It is not refugee status and gives
fewer rights.

UNHCR publishes Russia's temporary-asylum procedure as its own decision level ``TA``. Its
grants are recorded as ``dec_other`` (complementary protection) up to 2018 and as
``dec_recognized`` (refugee status) from 2019 (``data/unhcr-syria-asylum/PROVENANCE.md``);
in the Syrian rows the 2012 TA row already records its 49 grants as ``dec_recognized``.
Counting those as refugee status would turn a one-year humanitarian permit into Convention
recognition, which is exactly the distinction advocacy on Russia rests on. So Asylon decides
by the decision level, not by the column: every grant in a ``TA`` row is temporary asylum,
whatever column UNHCR put it in, and is never added to refugee status.
"""

from __future__ import annotations

from asylon.stats.unhcr import DecisionRecord

LEVEL = "TA"
RECODING_YEAR = 2019  # first year UNHCR records Russia's TA grants as dec_recognized
LAW = 'Federal Law No. 4528-1 of 19 February 1993 "On Refugees", Art. 12'


def is_temporary_asylum(record: DecisionRecord) -> bool:
    """A row of the temporary-asylum procedure (``dec_level`` TA)."""
    return record.level == LEVEL


def grants(record: DecisionRecord) -> int:
    """Temporary-asylum grants in a TA row: ``dec_recognized`` plus ``dec_other``."""
    return record.recognized + record.other if is_temporary_asylum(record) else 0


def recoding_note(record: DecisionRecord) -> str:
    """What UNHCR recorded in a TA row and how Asylon reports it, for the output's notes."""
    where = []
    if record.recognized:
        where.append(f"{record.recognized} as dec_recognized (refugee status)")
    if record.other:
        where.append(f"{record.other} as dec_other (complementary protection)")
    recorded = " and ".join(where) if where else "no grants"
    expected = "dec_recognized" if record.year >= RECODING_YEAR else "dec_other"
    odd = ""
    if (record.recognized and record.year < RECODING_YEAR) or (
        record.other and record.year >= RECODING_YEAR
    ):
        odd = (
            f" (UNHCR's usual column for {record.year} is {expected}; the grants are "
            "temporary asylum all the same)"
        )
    return (
        f"{record.year}, {record.country_name}: the temporary-asylum row (dec_level TA, "
        f"procedure {record.procedure_type}) records {recorded}{odd}. Asylon reports these "
        f"{grants(record)} grants as temporary asylum, a one-year status renewable each year "
        f'and granted "for humane reasons" ({LAW}), never as refugee status; its '
        f"{record.rejected} rejections and {record.closed} otherwise-closed applications are "
        "counted as rejected and otherwise closed."
    )
