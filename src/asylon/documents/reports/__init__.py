"""Statistical reports: ``asylon report asylum-practice`` (UNHCR's public tables) and
``asylon report caseload`` (the organisation's own, disclosure-controlled figures), as HTML,
PDF or JSON in English, Russian and Arabic, with the case documents' catalogue, sandboxed
templates and PDF guard (:mod:`asylon.documents.pdf`)."""
