"""Case documents: the reasoned assessment memo, the appeal brief for a refusal and the letter
to the client, as HTML, PDF (WeasyPrint) and DOCX (docxtpl) in English, Russian and Arabic,
from templates an organisation can edit. No Django: the web app and the CLI call
:func:`render` with a stored case file and determination.

    from asylon.documents import DocumentContext, render
    pdf = render("appeal_brief", case_file, determination, lang="ar", fmt="pdf",
                 context=DocumentContext(organisation="Civic Assistance", caseworker="A. B."))
"""

from asylon.documents.casedocs import FORMATS, KINDS, document_values, is_refusal, render
from asylon.documents.errors import DocumentError
from asylon.documents.i18n import LANGUAGES
from asylon.documents.view import DocumentContext

__all__ = [
    "FORMATS",
    "KINDS",
    "LANGUAGES",
    "DocumentContext",
    "DocumentError",
    "document_values",
    "is_refusal",
    "render",
]
