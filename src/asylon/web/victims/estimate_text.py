"""The estimate's reasons and warnings in the reader's language.

The estimator (:mod:`asylon.linkage.estimate.notes`) states each as a code and its values;
here each code has its sentence in the gettext catalogues, and the values are written as the
reader's language writes numbers. A code this catalogue does not know (a newer estimator) is
shown in English, as the estimator states it, rather than not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from asylon.linkage.estimate.notes import Note

SENTENCES: dict[str, Promise] = {
    "no_records": _("the table records nobody"),
    "one_list": _("only one list (%(list)s) recorded anybody"),
    "too_few_lists": _("at least two lists are needed to estimate how many no list recorded"),
    "list_alone": _(
        "list “%(list)s” shares no record with any other list: its coverage, and so the "
        "total, cannot be estimated"
    ),
    "disjoint_groups": _("the lists fall into groups that share no record: %(groups)s"),
    "no_finite_model": _("no log-linear model has a finite maximum-likelihood estimate"),
    "model_choice": _(
        "the choice of model matters: models within %(delta)s %(criterion)s of the best give "
        "%(low)s to %(high)s"
    ),
    "saturated": _(
        "the model is saturated (no residual degree of freedom): its fit cannot be checked "
        "and the estimate rests on the assumption of no higher-order interaction"
    ),
    "nearly_saturated": _("the model is nearly saturated (one residual degree of freedom)"),
    "sparse_table": _("sparse table: %(cells)s non-empty cells for %(parameters)s parameters"),
    "no_upper_bound": _(
        "the profile likelihood does not close above: the data put no upper bound on the total"
    ),
    "unstable": _(
        "the estimate is unstable: the upper bound (%(upper)s) is far above the estimate "
        "(%(median)s) for %(observed)s observed"
    ),
    "unstable_withheld": _(
        "the estimate is unstable: the upper bound (%(upper)s) is far above the estimate "
        "(%(median)s) for the number observed"
    ),
    "chains_disagree": _(
        "the chains disagree (R-hat of N = %(rhat)s > %(rhat_max)s): the posterior did not "
        "converge or is multimodal"
    ),
    "no_concentration": _(
        "the posterior of N does not concentrate: its 97.5%% quantile (%(upper)s) is far above "
        "the median (%(median)s) for %(observed)s observed"
    ),
    "no_concentration_withheld": _(
        "the posterior of N does not concentrate: its 97.5%% quantile (%(upper)s) is far above "
        "the median (%(median)s) for the number observed"
    ),
    "prior_closes_upper": _(
        "the data do not bound the total from above: a model in which one group is rarely "
        "recorded by any list (two latent classes) fits as well with four times as many "
        "unrecorded people as the median; the upper end of the interval would be the prior's, "
        "not the data's. Read %(lower)s as a lower bound"
    ),
    "widened": _(
        "the interval is widened to %(lower)s-%(upper)s to take in the two-class profile "
        "likelihood's; the posterior's own is %(posterior_lower)s-%(posterior_upper)s"
    ),
    "few_draws": _("few effective draws of N (ESS %(ess)s < %(ess_min)s): run longer chains"),
    "went_on_once": _(
        "the chains had not converged at first (R-hat of N above %(rhat_max)s): they went on "
        "once more, the last run keeping one draw every %(thin)s iterations, and the earlier "
        "draws served as burn-in"
    ),
    "went_on": _(
        "the chains had not converged at first (R-hat of N above %(rhat_max)s): they went on "
        "%(runs)s more times, the last run keeping one draw every %(thin)s iterations, and the "
        "earlier draws served as burn-in"
    ),
    "classes_full": _("all K = %(K)s latent classes are often in use: raise K and compare"),
    "two_lists": _(
        "with two lists the latent classes are not identified by the data: the estimate leans "
        "on the prior, which favours few classes (close to Lincoln-Petersen's independence)"
    ),
}

#: Decimals of the values that are not whole numbers.
DECIMALS = {"rhat": 2, "rhat_max": 1}

Number = Callable[[float, int], str]


def web_number(value: float, decimals: int) -> str:
    """A number as the active language writes it, grouped (1 234 in Russian)."""
    return str(formats.number_format(value, decimals, use_l10n=True, force_grouping=True))


def _value(name: str, value: Any, number: Number) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if name == "delta":
        return number(float(value), 0 if float(value).is_integer() else 1)
    return number(float(value), DECIMALS.get(name, 0))


def note_text(note: Note, number: Number = web_number) -> str:
    """One reason or warning in the active language."""
    sentence = SENTENCES.get(note.code)
    if sentence is None:
        return note.text
    text = str(sentence) % {k: _value(k, v, number) for k, v in note.values.items()}
    if note.stratum:
        return gettext("stratum %(stratum)s: %(text)s") % {"stratum": note.stratum, "text": text}
    return text


def notes_text(raw: Iterable[dict[str, Any]], number: Number = web_number) -> list[str]:
    """An estimate document's ``reason_notes`` or ``warning_notes``, each in the active
    language (every document has them: one kept from before the codes is computed again,
    :func:`asylon.web.victims.counts.estimate_for`)."""
    return [note_text(Note.from_dict(n), number) for n in raw]
