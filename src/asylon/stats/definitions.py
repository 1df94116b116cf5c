"""The definitions behind every asylum-practice figure, printable in a report's methods section.

Sources: UNHCR Refugee Data Finder methodology (asylum decisions and applications; the total
recognition rate as UNHCR computes it, "otherwise closed" decisions excluded), the R package
``refugees`` documentation of the fields, and Federal Law No. 4528-1 "On Refugees", Art. 12
for Russia's temporary asylum.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Definition:
    key: str
    label: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


DEFINITIONS: tuple[Definition, ...] = (
    Definition(
        "recognised",
        "Refugee status",
        "Decisions recognising refugee status (UNHCR dec_recognized: Convention status or "
        "UNHCR mandate status), except in rows of a temporary-asylum procedure (decision "
        "level TA), whose grants are counted as temporary asylum.",
    ),
    Definition(
        "complementary",
        "Complementary protection",
        "Decisions granting another form of protection (UNHCR dec_other: subsidiary or "
        "humanitarian protection), except in temporary-asylum rows.",
    ),
    Definition(
        "temporary_asylum",
        "Temporary asylum (Russia)",
        "Grants in rows of decision level TA, Russia's temporary asylum (Federal Law No. "
        '4528-1 "On Refugees", Art. 12): a one-year status, renewable, granted for humane '
        "reasons. UNHCR records these grants as dec_other up to 2018 and as dec_recognized "
        "from 2019; Asylon counts both columns as temporary asylum and never as refugee "
        "status.",
    ),
    Definition(
        "rejected",
        "Rejected",
        "Negative decisions on the substance (UNHCR dec_rejected).",
    ),
    Definition(
        "otherwise_closed",
        "Otherwise closed",
        "Cases closed without a decision on the substance: withdrawn, abandoned, deceased, "
        "Dublin or other transfers, non-admissibility (UNHCR dec_closed).",
    ),
    Definition(
        "total",
        "Total decisions",
        "Refugee status + complementary protection + temporary asylum + rejected + "
        "otherwise closed. The total UNHCR reports (dec_total) is kept as total_reported; "
        "the two differ only where UNHCR's rounding of small figures leaves them apart.",
    ),
    Definition(
        "substantive",
        "Substantive decisions",
        "Refugee status + complementary protection + temporary asylum + rejected: all "
        "decisions except those otherwise closed.",
    ),
    Definition(
        "total_recognition_rate",
        "Total recognition rate",
        "(refugee status + complementary protection + temporary asylum) / substantive "
        "decisions. Otherwise-closed decisions are excluded from the denominator, as UNHCR "
        "does. It includes temporary asylum, as UNHCR's own rate does for Russia.",
    ),
    Definition(
        "refugee_status_rate",
        "Refugee-status rate",
        "refugee status / substantive decisions (the same denominator). Temporary asylum "
        "and complementary protection are not refugee status and are not counted.",
    ),
    Definition(
        "levels",
        "Decision levels and procedures",
        "The figures for a country and year add up every decision level (first instance FI "
        "or NA, administrative review AR, repeat/reopened RA, judicial review JR, temporary "
        "asylum TA, ...) and every procedure type (G government, J joint, U UNHCR), as UNHCR's "
        "totals do; a person decided at two levels in one year is counted at each. The "
        "breakdown by procedure and level is given with each figure.",
    ),
    Definition(
        "unit",
        "Persons and cases",
        "Figures are in persons. Where a country reports some levels in cases (dec_pc C; a "
        "case may cover a family), those rows are not added to persons: they are listed "
        "apart and noted. Only where a country and year has no figures in persons are its "
        "figures in cases, and then the unit says so.",
    ),
    Definition(
        "applications",
        "Applications",
        "Asylum applications lodged in the year (UNHCR asylum_applications): new (app_type N), "
        "repeat (R), and the other stages reported (A appeal, and combined or unspecified "
        "codes as UNHCR records them). Applications to the temporary-asylum procedure "
        "(level TA) are also given apart.",
    ),
    Definition(
        "stocks",
        "Refugees and asylum seekers",
        "End-year stocks from UNHCR's population table: refugees under UNHCR's mandate and "
        "asylum seekers whose claims are pending. For Russia UNHCR's refugee stock is far "
        "larger than all refugee-status recognitions it records, so it must include holders "
        "of temporary asylum.",
    ),
)


def definitions() -> tuple[Definition, ...]:
    return DEFINITIONS
