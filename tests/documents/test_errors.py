"""Clear errors: an appeal brief only for a refusal, and inputs that do not fit."""

from __future__ import annotations

import pytest

from asylon.documents import DocumentError, is_refusal, render
from asylon.law.determination import OUTCOMES
from tests.documents.cases import REFUSAL, TEMPORARY_ASYLUM, assessed


def test_an_appeal_brief_needs_a_refusal() -> None:
    case, det = assessed(TEMPORARY_ASYLUM)
    with pytest.raises(DocumentError) as err:
        render("appeal_brief", case, det, lang="en", fmt="pdf")
    assert "appeal_brief: the determination's outcome is 'TEMPORARY_ASYLUM', not a refusal" in str(
        err.value
    )
    assert "REJECTED_RETURN_PERMITTED" in str(err.value)  # it says which outcomes qualify
    # the memo and the letter are made for any outcome
    assert render("memo", case, det, lang="en", fmt="html")
    assert render("client_letter", case, det, lang="ru", fmt="html")


def test_which_outcomes_are_refusals() -> None:
    refusals = {o for o in OUTCOMES if is_refusal(o)}
    assert {
        "REJECTED_RETURN_PERMITTED",
        "REJECTED_PROTECTED_FROM_RETURN",
        "INADMISSIBLE",
    } <= refusals
    assert {"EXCLUDED_RETURN_PERMITTED", "STATUS_REVOKED", "STATUS_CEASED"} <= refusals
    for granted in ("REFUGEE", "SUBSIDIARY_PROTECTION", "TEMPORARY_ASYLUM", "STATUS_CONTINUES"):
        assert not is_refusal(granted)
    assert not is_refusal("UNDETERMINED")


@pytest.mark.parametrize(
    "change,message",
    [
        ({"kind": "decision"}, "unknown document 'decision'"),
        ({"lang": "de"}, "memo: unknown language 'de'"),
        ({"fmt": "odt"}, "memo: unknown format 'odt'"),
    ],
)
def test_unknown_kind_language_or_format(change: dict[str, str], message: str) -> None:
    case, det = assessed(REFUSAL)
    args = {"kind": "memo", "lang": "en", "fmt": "html"} | change
    with pytest.raises(DocumentError, match=message):
        render(args["kind"], case, det, lang=args["lang"], fmt=args["fmt"])  # type: ignore[arg-type]


def test_a_determination_of_another_case_or_format_is_refused() -> None:
    case, det = assessed(REFUSAL)
    other = dict(det, case_id="someone-else")
    with pytest.raises(DocumentError, match="determination is for case 'someone-else'"):
        render("memo", case, other, lang="en", fmt="html")
    with pytest.raises(DocumentError, match=r"format is 'asylon\.determination/0'"):
        render("memo", case, dict(det, format="asylon.determination/0"), lang="en", fmt="html")
    broken = {k: v for k, v in det.items() if k != "steps"}
    with pytest.raises(DocumentError, match="the determination has no 'steps'"):
        render("memo", case, broken, lang="en", fmt="html")
    with pytest.raises(DocumentError, match="must be a mapping"):
        render("memo", [], det, lang="en", fmt="html")  # type: ignore[arg-type]
