"""Builds the shipped DOCX templates (``docx/*.docx``) with python-docx.

Run it after changing this file: ``python src/asylon/documents/templates/build_templates.py``.
The generated files are committed; an organisation edits its copy in Word or LibreOffice and
passes the folder as ``template_dir`` (see ``asylon.documents.casedocs``).

The templates are docxtpl templates: Jinja2 tags inside the text. ``{%p ... %}`` tags stand in
a paragraph of their own, which is removed on rendering; ``{%tr ... %}`` tags in a table row of
their own. Fixed text is English inside ``_("...")`` and translated through the catalogue.
Paragraphs in the style "Engine Text" hold the engine's English reasons: in an Arabic document
every other paragraph is set right to left, these stay left to right.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

HERE = Path(__file__).resolve().parent
ENGINE = "Engine Text"
DRAFT = "Draft Notice"
DEADLINE = "Deadline"


class Builder:
    def __init__(self) -> None:
        self.doc = Document()
        self._styles()
        self.doc.core_properties.title = "{{ doc.title }} {{ doc.case.id }}"
        self.doc.core_properties.author = "Asylon"

    def _styles(self) -> None:
        styles = self.doc.styles
        normal = styles["Normal"]
        normal.font.name = "Noto Sans"
        normal.font.size = Pt(10)
        fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:cs"), "Noto Naskh Arabic")
        engine = styles.add_style(ENGINE, WD_STYLE_TYPE.PARAGRAPH)
        engine.base_style = normal
        engine.font.color.rgb = RGBColor(0x33, 0x33, 0x33)
        engine.font.size = Pt(9)
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "en-GB")
        engine.element.get_or_add_rPr().append(lang)
        draft = styles.add_style(DRAFT, WD_STYLE_TYPE.PARAGRAPH)
        draft.base_style = normal
        draft.font.bold = True
        draft.font.color.rgb = RGBColor(0x99, 0x00, 0x00)
        deadline = styles.add_style(DEADLINE, WD_STYLE_TYPE.PARAGRAPH)
        deadline.base_style = normal
        deadline.font.bold = True
        deadline.font.size = Pt(16)
        deadline.font.color.rgb = RGBColor(0xAA, 0x00, 0x00)

    def p(self, text: str, style: str | None = None) -> None:
        self.doc.add_paragraph(text, style=style)

    def tag(self, text: str) -> None:
        """A paragraph holding only a ``{%p ... %}`` tag."""
        self.doc.add_paragraph("{%p " + text + " %}")

    def h(self, text: str, level: int) -> None:
        self.doc.add_heading(text, level=level)

    def table(self, rows: list[tuple[str, str]]) -> None:
        table = self.doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, value in rows:
            cells = table.add_row().cells
            cells[0].text = label
            cells[1].text = value

    def citations(self, items: str) -> None:
        self.tag(f"for c in {items}")
        self.p("{{ c.label }}{% if c.title %} — {{ c.title }}{% endif %}", style="List Bullet")
        self.tag("endfor")

    def english(self, items: str) -> None:
        self.tag(f"for line in {items}")
        self.p("{{ line }}", style=ENGINE)
        self.tag("endfor")

    def header(self) -> None:
        self.p("{{ doc.org.name }}{% if doc.org.address %}, {{ doc.org.address }}{% endif %}")
        self.p(
            '{{ _("Case") }}: {{ doc.case.id }}{% if doc.org.reference %} · '
            '{{ _("Our reference") }}: {{ doc.org.reference }}{% endif %} · {{ doc.date }}'
        )
        self.doc.add_heading("{{ doc.title }}", level=0)

    def steps(self, items: str) -> None:
        self.tag(f"for s in {items}")
        self.h("{{ s.question }}", 3)
        self.p('{{ _("Answer") }}: {{ s.answer }}')
        self.english("s.reasons")
        self.tag("if s.citations")
        self.p('{{ _("Provisions cited") }}:')
        self.tag("endif")
        self.citations("s.citations")
        self.tag("if s.evidence")
        self.p('{{ _("Evidence") }}: {{ s.evidence|join("; ") }}')
        self.tag("endif")
        self.tag("endfor")

    def deadlines(self) -> None:
        self.tag("for d in doc.deadlines")
        self.p(
            '{{ d.label }}: {{ d.due }}{% if d.overdue %} ({{ _("overdue") }}){% endif %}',
            style=DRAFT,
        )
        self.p("{{ d.basis }}", style=ENGINE)
        self.citations("d.citations")
        self.tag("endfor")
        self.tag("if not doc.deadlines")
        self.p('{{ _("No time limit has been calculated.") }}')
        self.tag("endif")

    def country_evidence(self) -> None:
        self.tag("for r in doc.country_evidence")
        self.h('{{ _("Place") }}: {{ r.place }} · {{ r.period_from }} – {{ r.period_to }}', 3)
        table = self.doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, value in (
            ('{{ _("Level of indiscriminate violence") }}', "{{ r.level }}"),
            ("{%tr for i in r.indicators %}", ""),
            ("{{ i.name }}", "{{ i.value }}"),
            ("{%tr endfor %}", ""),
            ('{{ _("Sources") }}', '{{ r.sources|join("; ") }}'),
        ):
            cells = table.add_row().cells
            cells[0].text = label
            cells[1].text = value
        self.tag("endfor")
        self.tag("if not doc.country_evidence")
        self.p('{{ _("No country evidence was read for this assessment.") }}')
        self.tag("endif")

    def save(self, name: str, out_dir: Path) -> Path:
        path = out_dir / f"{name}.docx"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.doc.save(str(path))
        return path


def memo(out_dir: Path) -> Path:
    b = Builder()
    b.header()
    b.p(
        '{{ _("Draft to support a human decision. The engine does not decide: a caseworker or '
        "decision-maker must check every step, the evidence and the law before anything is "
        'decided or filed.") }}',
        style=DRAFT,
    )
    b.table(
        [
            ('{{ _("Case") }}', "{{ doc.case.id }}"),
            ('{{ _("Client") }}', "{{ doc.case.client_name }}"),
            ('{{ _("Jurisdiction") }}', "{{ doc.case.jurisdiction }}"),
            ('{{ _("Law in force on") }}', "{{ doc.case.as_of }}"),
            ('{{ _("Rules version") }}', "{{ doc.case.rules_version }}"),
            ('{{ _("Prepared by") }}', "{{ doc.org.caseworker }}"),
        ]
    )
    b.h('{{ _("Outcome") }}', 1)
    b.p("{{ doc.outcome.title }} — {{ doc.outcome.text }}")
    b.tag("if doc.status")
    b.p(
        '{{ _("Status") }}: {{ doc.status.code }}{% if doc.status.valid_from %}; '
        '{{ _("Valid from") }}: {{ doc.status.valid_from }}{% endif %}'
        '{% if doc.status.valid_until %}; {{ _("Valid until") }}: '
        '{{ doc.status.valid_until }}{% endif %}; {{ _("Renewable") }}: {{ doc.status.renewable }}'
    )
    b.english("doc.status.rights")
    b.citations("doc.status.citations")
    b.tag("endif")
    b.p('{{ _("Removal") }}: {{ doc.removal.text }}')
    b.tag("for b in doc.removal.bars")
    b.h("{{ b.title }}", 3)
    b.p("{{ b.reason }}", style=ENGINE)
    b.citations("b.citations")
    b.tag("endfor")
    b.h('{{ _("Time limits") }}', 1)
    b.deadlines()
    b.h('{{ _("Points for review") }}', 1)
    b.tag("for f in doc.flags")
    b.h("{{ f.title }}", 3)
    b.p("{{ f.message }}", style=ENGINE)
    b.tag("endfor")
    b.tag("if not doc.flags")
    b.p('{{ _("No points were flagged for review.") }}')
    b.tag("endif")
    b.tag("for s in doc.side_outputs")
    b.p("{{ s }}", style="List Bullet")
    b.tag("endfor")
    b.h('{{ _("Missing facts") }}', 1)
    b.tag("for x in doc.missing")
    b.p('{{ x.field }} — {{ _("Needed for") }}: {{ x.needed_for|join("; ") }}', style="List Bullet")
    b.tag("endfor")
    b.tag("if not doc.missing")
    b.p('{{ _("No facts are missing for the outcome.") }}')
    b.tag("endif")
    b.h('{{ _("Country evidence") }}', 1)
    b.country_evidence()
    b.h('{{ _("The legal steps") }}', 1)
    b.p('{{ _("The reasons are the engine\'s and are given in English.") }}')
    b.steps("doc.steps")
    return b.save("memo", out_dir)


def appeal_brief(out_dir: Path) -> Path:
    b = Builder()
    b.header()
    b.tag("if doc.appeal_deadline")
    b.p('{{ _("Appeal deadline") }}: {{ doc.appeal_deadline.due }}', style=DEADLINE)
    b.p("{{ doc.appeal_deadline.basis }}", style=ENGINE)
    b.citations("doc.appeal_deadline.citations")
    b.tag("else")
    b.p('{{ _("No appeal deadline has been calculated.") }}', style=DEADLINE)
    b.p(
        '{{ _("Check the date on which the decision was notified and the time limit that '
        'applies, and record them in the case file.") }}'
    )
    b.tag("endif")
    b.p(
        '{{ _("Draft for a lawyer: check and complete it before filing. The engine does not '
        'decide.") }}',
        style=DRAFT,
    )
    b.h('{{ _("1. The decision under appeal") }}', 1)
    b.table(
        [
            ('{{ _("Case") }}', "{{ doc.case.id }}"),
            ('{{ _("Applicant") }}', "{{ doc.case.client_name }}"),
            ('{{ _("Jurisdiction") }}', "{{ doc.case.jurisdiction }}"),
            ('{{ _("Law in force on") }}', "{{ doc.case.as_of }}"),
            ('{{ _("Outcome") }}', "{{ doc.outcome.title }} — {{ doc.outcome.text }}"),
            ('{{ _("Removal") }}', "{{ doc.removal.text }}"),
        ]
    )
    b.h('{{ _("2. The facts") }}', 1)
    b.tag("for section in doc.facts")
    b.h("{{ section.title }}", 3)
    b.tag("for row in section.rows")
    b.p("{{ row.label }}: {{ row.value }}")
    b.tag("endfor")
    b.tag("endfor")
    b.tag("if doc.evidence_items")
    b.h('{{ _("Evidence on file") }}', 3)
    b.tag("endif")
    b.tag("for e in doc.evidence_items")
    b.p("{{ e.id }}{% if e.description %}: {{ e.description }}{% endif %}", style="List Bullet")
    b.tag("endfor")
    b.h('{{ _("3. The law applied, step by step") }}', 1)
    b.p(
        '{{ _("Steps that do not apply to this case are left out. The reasons are the '
        "engine's and are given in English.\") }}"
    )
    b.steps("doc.applied_steps")
    b.h('{{ _("4. Country evidence") }}', 1)
    b.country_evidence()
    b.h('{{ _("5. Points to argue") }}', 1)
    b.tag("for s in doc.open_steps")
    b.p('{{ _("Open question: %(question)s", question=s.question) }}', style="List Bullet")
    b.tag("endfor")
    b.tag("for f in doc.flags")
    b.p("{{ f.title }}: {{ f.message }}", style="List Bullet")
    b.tag("endfor")
    b.tag("for x in doc.missing")
    b.p('{{ _("Missing finding: %(field)s", field=x.field) }}', style="List Bullet")
    b.tag("endfor")
    b.tag("if not (doc.open_steps or doc.flags or doc.missing)")
    b.p(
        '{{ _("The assessment leaves no question open: the grounds of appeal must come from '
        'the facts or the law.") }}'
    )
    b.tag("endif")
    b.tag("for b in doc.removal.bars")
    b.h("{{ b.title }}", 3)
    b.p("{{ b.reason }}", style=ENGINE)
    b.citations("b.citations")
    b.tag("endfor")
    b.h('{{ _("6. Time limits") }}', 1)
    b.deadlines()
    b.p(
        '{{ _("Prepared by") }}: {{ doc.org.caseworker }}{% if doc.org.name %}, {{ doc.org.name }}{% endif %}'
    )
    return b.save("appeal_brief", out_dir)


def client_letter(out_dir: Path) -> Path:
    b = Builder()
    b.header()
    b.p(
        '{% if doc.case.client_name %}{{ _("Dear %(name)s,", name=doc.case.client_name) }}'
        '{% else %}{{ _("Dear client,") }}{% endif %}'
    )
    b.p(
        '{{ _("We have looked at your case under the law that applies (%(jurisdiction)s), as it '
        "stood on %(date)s. This letter explains in plain words what we found, what happens "
        'next and what we still need from you.", jurisdiction=doc.case.jurisdiction, '
        "date=doc.case.as_of) }}"
    )
    b.h('{{ _("What we found") }}', 1)
    b.p("{{ doc.outcome.for_client }}", style=DRAFT)
    b.p('{{ _("In legal terms: %(outcome)s", outcome=doc.outcome.title) }}')
    b.p(
        '{{ _("This is a legal assessment prepared to help your caseworker. It is not a '
        "decision of the authorities, and it does not replace your caseworker's advice.\") }}"
    )
    b.h('{{ _("What happens next") }}', 1)
    b.tag("for d in doc.deadlines")
    b.p(
        '{{ d.action }}{% if d.overdue %} {{ _("This date has passed. Contact us '
        'immediately.") }}{% endif %}',
        style="List Bullet",
    )
    b.tag("endfor")
    b.tag("if not doc.deadlines")
    b.p(
        '{{ _("No time limit has been calculated for your case at the moment. We will tell '
        'you when one starts.") }}'
    )
    b.tag("endif")
    b.h('{{ _("What we still need from you") }}', 1)
    b.tag("if doc.client_needs")
    b.p('{{ _("To complete the assessment we need:") }}')
    b.tag("endif")
    b.tag("for n in doc.client_needs")
    b.p("{{ n }}", style="List Bullet")
    b.tag("endfor")
    b.tag("if not doc.client_needs")
    b.p('{{ _("At the moment we do not need further facts from you.") }}')
    b.tag("endif")
    b.p(
        '{{ _("Please bring the written decision and the envelope it came in, if you have '
        "received one, your passport or other identity documents, and any documents that "
        'support your account.") }}'
    )
    b.p(
        '{% if doc.org.caseworker %}{{ _("If you have questions, contact %(caseworker)s.", '
        'caseworker=doc.org.caseworker) }}{% else %}{{ _("If you have questions, contact '
        'us.") }}{% endif %} {{ doc.org.contact }}'
    )
    b.p('{{ _("With kind regards,") }}')
    b.p("{{ doc.org.caseworker }}")
    b.p("{{ doc.org.name }}")
    return b.save("client_letter", out_dir)


def main(out_dir: Path = HERE / "docx") -> list[Path]:
    return [build(out_dir) for build in (memo, appeal_brief, client_letter)]


if __name__ == "__main__":
    for path in main():
        print(path)
