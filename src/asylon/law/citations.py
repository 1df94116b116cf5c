"""Registry of the instruments and authorities that determinations cite.

A citation is a short label such as ``"ECHR Art 3"`` or ``"CJEU C-238/19 EZ"``. Each label starts
with one of the prefixes below; the test suite checks that every label the engine emits is
registered, so a typo in a rule cannot produce an untraceable citation.
"""

from __future__ import annotations

INSTRUMENTS: dict[str, str] = {
    "1951 Convention": "Convention relating to the Status of Refugees (1951) and its 1967 Protocol",
    "UNHCR Statute": "Statute of the Office of the UNHCR, GA Res 428(V) (1950)",
    "UNHCR Handbook": "UNHCR Handbook on Procedures and Criteria for Determining Refugee Status (2019)",
    "UNHCR GIP 4": "UNHCR Guidelines on International Protection No. 4: Internal Flight Alternative (2003)",
    "UNHCR GIP 5": "UNHCR Guidelines on International Protection No. 5: Exclusion, Art 1F (2003), with Background Note",
    "UNHCR GIP 10": "UNHCR Guidelines on International Protection No. 10: Military Service (2013)",
    "UNHCR GIP 12": "UNHCR Guidelines on International Protection No. 12: Armed Conflict and Violence (2016)",
    "UNHCR Procedural Standards": "UNHCR Procedural Standards for Refugee Status Determination under UNHCR's Mandate",
    "UNHCR broader mandate": "UNHCR broader mandate: persons fleeing generalised violence or events seriously disturbing public order",
    "UNHCR Detention Guidelines": "UNHCR Detention Guidelines (2012)",
    "CAT": "UN Convention against Torture (1984)",
    "ICCPR": "International Covenant on Civil and Political Rights (1966)",
    "HRC GC": "UN Human Rights Committee General Comments 31 (2004) and 36 (2018)",
    "ECHR": "European Convention on Human Rights",
    "EU Charter": "Charter of Fundamental Rights of the European Union",
    "QD 2004/83/EC": "Qualification Directive 2004/83/EC",
    "QD 2011/95/EU": "Qualification Directive (recast) 2011/95/EU",
    "QR 2024/1347": "Qualification Regulation (EU) 2024/1347",
    "APD 2005/85/EC": "Asylum Procedures Directive 2005/85/EC",
    "APD 2013/32/EU": "Asylum Procedures Directive (recast) 2013/32/EU",
    "APR 2024/1348": "Asylum Procedure Regulation (EU) 2024/1348",
    "Return Directive": "Return Directive 2008/115/EC",
    "AsylG": "German Asylum Act (Asylgesetz)",
    "RF Law": "Federal Law No. 4528-1 of 19 Feb 1993 'On Refugees'",
    "Decree 274": "RF Government Decree No. 274 of 9 April 2001 (temporary asylum)",
    "Decree 746": "RF Presidential Decree No. 746 of 21 July 1997 (political asylum)",
    "RF Constitution": "Constitution of the Russian Federation",
    "RF CPC": "Criminal Procedure Code of the Russian Federation",
    "RF CAO": "Code of Administrative Offences of the Russian Federation",
    "UN Model Treaty on Extradition": "UN Model Treaty on Extradition, GA Res 45/116 (1990)",
    "ECE": "European Convention on Extradition (1957, ETS 24)",
    "Rome Statute": "Rome Statute of the International Criminal Court (1998)",
    "Geneva Conventions": "Geneva Conventions 1949 (grave breaches)",
    "EUAA": "EUAA Country Guidance: Syria",
    "CJEU": "Court of Justice of the European Union",
    "ECtHR": "European Court of Human Rights",
    "ICJ": "International Court of Justice",
    "OLG Koblenz": "Higher Regional Court Koblenz (Raslan, al-Gharib)",
}


def is_registered(label: str) -> bool:
    return any(label == p or label.startswith(p + " ") for p in INSTRUMENTS)
