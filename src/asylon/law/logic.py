"""Three-valued (Kleene) logic with the provenance of every unknown.

A :class:`Tri` is yes, no or unknown, and, when unknown, the case-file fields whose absence
makes it so. Conjunction is ``no`` as soon as one element is ``no``; only the unknown elements
contribute their missing fields. This is what guarantees that a missing finding never yields a
certain answer unless another element already decides the question.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from asylon.law.determination import Answer

if TYPE_CHECKING:
    from asylon.law.determination import Step

LEVELS = ("none", "remote", "reasonable_likelihood", "substantial")
STRENGTHS = ("none", "suspicion", "clear_and_credible", "proven")


class Tri(NamedTuple):
    """yes / no / unknown (with the fields that make it unknown) / not_applicable.

    A NamedTuple: immutable and cheap to build, which matters on the hot path."""

    answer: Answer
    missing: tuple[str, ...] = ()

    @property
    def yes(self) -> bool:
        return self.answer is Answer.YES

    @property
    def no(self) -> bool:
        return self.answer is Answer.NO

    @property
    def unknown(self) -> bool:
        return self.answer is Answer.UNKNOWN


YES = Tri(Answer.YES)
NO = Tri(Answer.NO)
NA = Tri(Answer.NOT_APPLICABLE)


def unknown(*fields: str) -> Tri:
    return Tri(Answer.UNKNOWN, tuple(fields))


def known(value: bool | None, field: str) -> Tri:
    """A boolean finding as a Tri: None is unknown, never false."""
    if value is None:
        return unknown(field)
    return YES if value else NO


def negate(t: Tri) -> Tri:
    if t.answer is Answer.YES:
        return NO
    if t.answer is Answer.NO:
        return YES
    return t


_Y, _N, _U = Answer.YES, Answer.NO, Answer.UNKNOWN


def _merge(unknowns: list[Tri]) -> Tri:
    if len(unknowns) == 1:
        return unknowns[0]
    fields: dict[str, None] = {}
    for t in unknowns:
        fields.update(dict.fromkeys(t.missing))
    return Tri(_U, tuple(fields))


def _combine(items: tuple[Tri, ...], decisive: Answer, otherwise: Tri) -> Tri:
    """Kleene AND (decisive ``no``) or OR (decisive ``yes``); not_applicable is ignored."""
    unknowns: list[Tri] = []
    for t in items:
        a = t.answer
        if a is decisive:
            return t if not t.missing else Tri(a)
        if a is _U:
            unknowns.append(t)
    return _merge(unknowns) if unknowns else otherwise


def all_of(*items: Tri) -> Tri:
    """Kleene AND: no as soon as one element is no; empty is yes."""
    return _combine(items, _N, YES)


def any_of(*items: Tri) -> Tri:
    """Kleene OR: yes as soon as one element is yes; empty is no."""
    return _combine(items, _Y, NO)


def at_least(level: str | None, threshold: str, field: str) -> Tri:
    """Does a finding on the none..substantial scale reach ``threshold``?"""
    if level is None:
        return unknown(field)
    return YES if LEVELS.index(level) >= LEVELS.index(threshold) else NO


def strength_at_least(strength: str | None, threshold: str, field: str) -> Tri:
    if strength is None:
        return unknown(field)
    return YES if STRENGTHS.index(strength) >= STRENGTHS.index(threshold) else NO


_CONST = {Answer.YES: YES, Answer.NO: NO, Answer.NOT_APPLICABLE: NA}


def of_step(step: Step) -> Tri:
    """A step's answer as a Tri, keeping the fields that made it unknown."""
    return _CONST.get(step.answer) or Tri(step.answer, step.missing)
