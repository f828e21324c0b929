"""Symptom triage: each red flag alone, combinations, unknown is not no, and bad input."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from osseous.core.errors import InvalidInput
from osseous.knowledge.citations import CITATIONS
from osseous.plan.triage import (
    CALCIUM,
    NEUROLOGY,
    QUESTIONS,
    SPINAL_PAIN,
    TriageAnswers,
    parse_answers,
    triage,
)

CORD = "suspected-spinal-cord-compression"
SPINE = "possible-spinal-metastasis-or-early-compression"
FRACTURE = "suspected-pathological-fracture"
IMPENDING = "possible-impending-fracture"
CALCIUM_CONCERN = "possible-hypercalcaemia"
ROUTINE_SUMMARY = "No red-flag symptom reported"


def all_false(**overrides: bool | None) -> dict[str, bool | None]:
    """Every question answered no, except the overrides."""
    unknown = set(overrides) - set(QUESTIONS)
    assert not unknown, f"not a question: {unknown}"
    data: dict[str, bool | None] = dict.fromkeys(QUESTIONS, False)
    data.update(overrides)
    return data


def run(data: dict[str, Any]) -> dict[str, Any]:
    return triage(parse_answers(data))


def only_concern(out: dict[str, Any]) -> dict[str, Any]:
    assert len(out["concerns"]) == 1, out["concerns"]
    concern: dict[str, Any] = out["concerns"][0]
    return concern


def concern_for(out: dict[str, Any], condition: str) -> dict[str, Any]:
    matches = [c for c in out["concerns"] if c["condition"] == condition]
    assert len(matches) == 1, out["concerns"]
    concern: dict[str, Any] = matches[0]
    return concern


def assert_references_known(concern: dict[str, Any]) -> None:
    assert concern["references"], concern
    for key in concern["references"]:
        assert key in CITATIONS, key


def assert_fully_answered(out: dict[str, Any]) -> None:
    assert out["unanswered"] == []


# ---- the constants -------------------------------------------------------------------------


def test_red_flag_groups_are_questions_and_disjoint() -> None:
    groups = [*NEUROLOGY, *SPINAL_PAIN, *CALCIUM, "cannot_bear_weight", "pain_on_weight_bearing"]
    assert len(groups) == len(set(groups))
    assert set(groups) == set(QUESTIONS)
    assert set(QUESTIONS) == set(TriageAnswers.model_fields)


# ---- every red flag alone ------------------------------------------------------------------


@pytest.mark.parametrize("question", NEUROLOGY)
def test_each_neurology_symptom_alone_is_cord_compression_emergency(question: str) -> None:
    out = run(all_false(**{question: True}))
    assert out["urgency"] == "emergency"
    concern = only_concern(out)
    assert concern["condition"] == CORD
    assert concern["urgency"] == "emergency"
    assert concern["triggered_by"] == [question]
    assert "dexamethasone 16 mg" in concern["do_now"]
    assert_references_known(concern)
    assert_fully_answered(out)
    assert out["summary"] == f"{CORD} (emergency)"


@pytest.mark.parametrize("question", SPINAL_PAIN)
def test_each_spinal_pain_symptom_alone_is_urgent(question: str) -> None:
    out = run(all_false(**{question: True}))
    assert out["urgency"] == "urgent"
    concern = only_concern(out)
    assert concern["condition"] == SPINE
    assert concern["urgency"] == "urgent"
    assert concern["triggered_by"] == [question]
    assert "MRI" in concern["do_now"]
    assert_references_known(concern)
    assert_fully_answered(out)


def test_both_spinal_pain_symptoms_give_one_urgent_concern() -> None:
    out = run(all_false(**dict.fromkeys(SPINAL_PAIN, True)))
    assert out["urgency"] == "urgent"
    concern = only_concern(out)
    assert concern["condition"] == SPINE
    assert concern["triggered_by"] == list(SPINAL_PAIN)


def test_cannot_bear_weight_alone_is_fracture_emergency() -> None:
    out = run(all_false(cannot_bear_weight=True))
    assert out["urgency"] == "emergency"
    concern = only_concern(out)
    assert concern["condition"] == FRACTURE
    assert concern["urgency"] == "emergency"
    assert concern["triggered_by"] == ["cannot_bear_weight"]
    assert_references_known(concern)
    assert_fully_answered(out)


def test_pain_on_weight_bearing_alone_is_impending_fracture_urgent() -> None:
    out = run(all_false(pain_on_weight_bearing=True))
    assert out["urgency"] == "urgent"
    concern = only_concern(out)
    assert concern["condition"] == IMPENDING
    assert concern["urgency"] == "urgent"
    assert concern["triggered_by"] == ["pain_on_weight_bearing"]
    assert "Mirels" in concern["do_now"]
    assert_references_known(concern)
    assert_fully_answered(out)


def test_cannot_bear_weight_supersedes_pain_on_weight_bearing() -> None:
    out = run(all_false(cannot_bear_weight=True, pain_on_weight_bearing=True))
    assert out["urgency"] == "emergency"
    concern = only_concern(out)
    assert concern["condition"] == FRACTURE
    assert concern["triggered_by"] == ["cannot_bear_weight"]


@pytest.mark.parametrize("question", CALCIUM)
def test_each_calcium_symptom_alone_is_hypercalcaemia(question: str) -> None:
    out = run(all_false(**{question: True}))
    expected = "emergency" if question == "confusion" else "urgent"
    assert out["urgency"] == expected
    concern = only_concern(out)
    assert concern["condition"] == CALCIUM_CONCERN
    assert concern["urgency"] == expected
    assert concern["triggered_by"] == [question]
    assert "calcium" in concern["do_now"]
    if question == "confusion":
        assert "intravenous fluids" in concern["do_now"]
    else:
        assert "encourage fluids" in concern["do_now"]
    assert_references_known(concern)
    assert_fully_answered(out)


def test_several_calcium_symptoms_give_one_concern_in_question_order() -> None:
    out = run(all_false(vomiting=True, thirst=True, constipation=True))
    concern = only_concern(out)
    assert concern["condition"] == CALCIUM_CONCERN
    assert concern["urgency"] == "urgent"
    assert concern["triggered_by"] == ["thirst", "constipation", "vomiting"]


def test_calcium_symptoms_with_confusion_escalate_to_emergency() -> None:
    out = run(all_false(thirst=True, confusion=True))
    concern = only_concern(out)
    assert concern["urgency"] == "emergency"
    assert set(concern["triggered_by"]) == {"thirst", "confusion"}


# ---- combinations --------------------------------------------------------------------------


def test_neurology_and_back_pain_give_one_cord_compression_concern() -> None:
    out = run(all_false(limb_weakness=True, new_or_worse_back_pain=True,
                        pain_at_night_or_lying_down=True))
    assert out["urgency"] == "emergency"
    concern = only_concern(out)
    assert concern["condition"] == CORD
    assert set(concern["triggered_by"]) == {"limb_weakness", "new_or_worse_back_pain",
                                            "pain_at_night_or_lying_down"}
    assert SPINE not in [c["condition"] for c in out["concerns"]]


@pytest.mark.parametrize(("fracture", "fracture_condition", "fracture_urgency"),
                         [("pain_on_weight_bearing", IMPENDING, "urgent"),
                          ("cannot_bear_weight", FRACTURE, "emergency")])
def test_neurology_fracture_and_calcium_give_three_concerns_emergency_first(
        fracture: str, fracture_condition: str, fracture_urgency: str) -> None:
    out = run(all_false(numbness=True, thirst=True, **{fracture: True}))
    assert out["urgency"] == "emergency"
    conditions = [c["condition"] for c in out["concerns"]]
    assert len(conditions) == 3
    assert conditions[0] == CORD
    assert set(conditions) == {CORD, fracture_condition, CALCIUM_CONCERN}
    assert concern_for(out, fracture_condition)["urgency"] == fracture_urgency
    assert concern_for(out, CALCIUM_CONCERN)["urgency"] == "urgent"
    urgencies = [c["urgency"] for c in out["concerns"]]
    order = {"emergency": 0, "urgent": 1}
    assert urgencies == sorted(urgencies, key=order.__getitem__)
    for concern in out["concerns"]:
        assert_references_known(concern)
    assert out["summary"] == "; ".join(f"{c['condition']} ({c['urgency']})"
                                       for c in out["concerns"])


def test_three_emergencies_together() -> None:
    out = run(all_false(walking_change=True, cannot_bear_weight=True, confusion=True))
    assert out["urgency"] == "emergency"
    assert [c["urgency"] for c in out["concerns"]] == ["emergency"] * 3
    assert {c["condition"] for c in out["concerns"]} == {CORD, FRACTURE, CALCIUM_CONCERN}


def test_urgent_concerns_sorted_after_emergency_regardless_of_rule_order() -> None:
    # the calcium emergency is raised last but must be listed before the urgent spine concern
    out = run(all_false(new_or_worse_back_pain=True, confusion=True))
    assert [c["condition"] for c in out["concerns"]] == [CALCIUM_CONCERN, SPINE]
    assert [c["urgency"] for c in out["concerns"]] == ["emergency", "urgent"]
    assert out["urgency"] == "emergency"


def test_pain_and_pain_on_weight_bearing_are_urgent_overall() -> None:
    out = run(all_false(new_or_worse_back_pain=True, pain_on_weight_bearing=True))
    assert out["urgency"] == "urgent"
    assert {c["condition"] for c in out["concerns"]} == {SPINE, IMPENDING}
    assert all(c["urgency"] == "urgent" for c in out["concerns"])


@pytest.mark.parametrize("values", list(itertools.product([False, True], repeat=len(NEUROLOGY))),
                         ids=lambda v: "".join("1" if x else "0" for x in v))
def test_neurology_combinations_emergency_iff_any(values: tuple[bool, ...]) -> None:
    out = run(all_false(**dict(zip(NEUROLOGY, values, strict=True))))
    yes = [q for q, v in zip(NEUROLOGY, values, strict=True) if v]
    if yes:
        assert out["urgency"] == "emergency"
        concern = only_concern(out)
        assert concern["condition"] == CORD
        assert concern["triggered_by"] == yes
    else:
        assert out["urgency"] == "routine"
        assert out["concerns"] == []
        assert out["summary"].startswith(ROUTINE_SUMMARY)


# ---- unknown is not no ---------------------------------------------------------------------


def test_all_absent_is_unknown_and_asks_every_question() -> None:
    out = run({})
    assert out["urgency"] == "unknown"
    assert out["concerns"] == []
    assert not out["summary"].startswith(ROUTINE_SUMMARY)
    assert "routine" not in out["summary"]
    asked = [u["question"] for u in out["unanswered"]]
    assert sorted(asked) == sorted(QUESTIONS)
    assert len(asked) == len(set(asked))
    for item in out["unanswered"]:
        assert item["ask"] == QUESTIONS[item["question"]]


def test_all_explicit_null_is_the_same_as_absent() -> None:
    assert run(dict.fromkeys(QUESTIONS)) == run({})


def test_all_no_is_routine_with_summary() -> None:
    out = run(all_false())
    assert out["urgency"] == "routine"
    assert out["concerns"] == []
    assert out["unanswered"] == []
    assert out["summary"].startswith(ROUTINE_SUMMARY)


@pytest.mark.parametrize("question", list(QUESTIONS))
def test_one_unknown_among_no_is_never_routine(question: str) -> None:
    out = run(all_false(**{question: None}))
    assert out["urgency"] != "routine"
    assert out["urgency"] == "unknown"
    assert out["concerns"] == []
    assert out["unanswered"] == [{"question": question, "ask": QUESTIONS[question]}]
    assert not out["summary"].startswith(ROUTINE_SUMMARY)
    assert "not asked" in out["summary"]


@pytest.mark.parametrize("question", list(QUESTIONS))
def test_one_key_missing_among_no_is_never_routine(question: str) -> None:
    data = all_false()
    del data[question]
    out = run(data)
    assert out["urgency"] == "unknown"
    assert [u["question"] for u in out["unanswered"]] == [question]


@pytest.mark.parametrize("flag", list(QUESTIONS))
def test_red_flag_with_everything_else_unknown_still_raises_concern(flag: str) -> None:
    out = run({flag: True})
    assert out["concerns"], out
    assert out["urgency"] in {"emergency", "urgent"}
    assert any(flag in c["triggered_by"] for c in out["concerns"])
    asked = {u["question"] for u in out["unanswered"]}
    assert asked == set(QUESTIONS) - {flag}


def test_neurology_flag_with_others_unknown() -> None:
    out = run({"bladder_or_bowel_change": True})
    assert out["urgency"] == "emergency"
    concern = only_concern(out)
    assert concern["condition"] == CORD
    assert concern["triggered_by"] == ["bladder_or_bowel_change"]
    assert len(out["unanswered"]) == len(QUESTIONS) - 1
    for item in out["unanswered"]:
        assert item["ask"] == QUESTIONS[item["question"]]


def test_urgent_flag_with_neurology_unknown_lists_neurology() -> None:
    out = run(all_false(new_or_worse_back_pain=True, limb_weakness=None))
    assert out["urgency"] == "urgent"
    assert only_concern(out)["condition"] == SPINE
    assert out["unanswered"] == [{"question": "limb_weakness",
                                  "ask": QUESTIONS["limb_weakness"]}]


# ---- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize("data", [[], ["limb_weakness"], "yes", "", None, 1, True])
def test_non_object_is_rejected(data: object) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_answers(data)
    problems = info.value.problems
    assert len(problems) == 1
    assert "object" in problems[0].message
    assert "object" in str(problems[0])
    assert "object" in str(info.value)


def test_unknown_key_is_rejected_by_name() -> None:
    with pytest.raises(InvalidInput) as info:
        parse_answers({**all_false(), "leg_pain": True})
    problems = info.value.problems
    assert [p.path for p in problems] == ["leg_pain"]
    assert "leg_pain" in str(problems[0])
    assert "leg_pain" in str(info.value)


def test_several_unknown_keys_each_reported() -> None:
    with pytest.raises(InvalidInput) as info:
        parse_answers({"limb_weakness": False, "headache": True, "fever": None})
    assert {p.path for p in info.value.problems} == {"headache", "fever"}


@pytest.mark.parametrize("bad", ["yes", "true", "no", 1, 0, 1.0, [True], {"value": True}])
def test_non_bool_answer_is_rejected_by_name(bad: object) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_answers({**all_false(), "limb_weakness": bad})
    problems = info.value.problems
    assert [p.path for p in problems] == ["limb_weakness"]
    assert "limb_weakness" in str(problems[0])


def test_string_yes_names_field_and_allowed_values() -> None:
    with pytest.raises(InvalidInput) as info:
        parse_answers({"numbness": "yes"})
    (problem,) = info.value.problems
    assert problem.path == "numbness"
    assert problem.value == "yes"
    assert "true or false" in problem.message


def test_every_bad_field_reported_at_once() -> None:
    with pytest.raises(InvalidInput) as info:
        parse_answers({"numbness": "yes", "thirst": "no", "leg_pain": True})
    assert {p.path for p in info.value.problems} == {"numbness", "thirst", "leg_pain"}


def test_invalid_input_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="object"):
        parse_answers("not an object")


def test_parse_answers_keeps_true_false_and_none() -> None:
    answers = parse_answers({"limb_weakness": True, "numbness": False})
    assert answers.limb_weakness is True
    assert answers.numbness is False
    assert answers.walking_change is None


def test_result_is_plain_data() -> None:
    out = run(all_false(limb_weakness=True, cannot_bear_weight=True, thirst=True))
    assert set(out) == {"urgency", "concerns", "unanswered", "summary"}
    for concern in out["concerns"]:
        assert set(concern) == {"condition", "urgency", "do_now", "why", "triggered_by",
                                "references"}
        assert isinstance(concern["triggered_by"], list)
        assert isinstance(concern["references"], list)
        assert concern["do_now"] and concern["why"]
