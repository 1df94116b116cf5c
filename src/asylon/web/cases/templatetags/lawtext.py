"""Template filters that show the legal engine's codes in the active language.

``{% load lawtext %}`` then ``{{ s.id|question }}``, ``{{ s.answer|answer_label }}``,
``{{ d.outcome|outcome_title }}``: ``{{ d.outcome|outcome_text }}``, ``{{ f.code|flag_title }}``,
``{{ b.code|bar_title }}``, ``{{ code|side_output_title }}``, ``{{ case.jurisdiction|profile_name }}``.
Each falls back to the core's English, or to the code itself, for a key it does not know.
"""

from __future__ import annotations

from django import template

from asylon.web import lawtext

register = template.Library()

register.filter("question", lawtext.question, is_safe=False)
register.filter("outcome_text", lawtext.outcome_text, is_safe=False)
register.filter("outcome_title", lawtext.outcome_title, is_safe=False)
register.filter("answer_label", lawtext.answer_label, is_safe=False)
register.filter("flag_title", lawtext.flag_title, is_safe=False)
register.filter("bar_title", lawtext.bar_title, is_safe=False)
register.filter("side_output_title", lawtext.side_output_title, is_safe=False)
register.filter("profile_name", lawtext.profile_name, is_safe=False)
