"""The forms' field specs (ui/fields.py): each names an input of the command its form runs; a text
field's limit is its column's and its required marker the command's declaration, never a literal
in a form; a spec that contradicts its command is refused when the form module is imported."""
from __future__ import annotations

import re

import pytest

from core.kinds import KINDS
from db.commands.inputs import input_fields
from db.commands.items import ACTIONS, AddItemNote, CreateItem, UpdateItem
from db.commands.liaisons import ChangeLiaison, UpdateLiaison
from db.commands.meetings import CreateMeeting, FollowUpInput, UpdateMeeting
from db.commands.supervision import DraftSupervision, IssueSupervision
from db.commands.tasks import AddMilestone, AddProgressUpdate, AssignTaskUnits, CompleteMilestone, EditMilestone
from db.models import Item
from db.stored_values import column_limits, max_length
from tests.conftest import ROOT
from ui import follow_up_actions, item_actions, item_form, meeting_form, supervision_forms, task_forms, unit_forms
from ui.fields import form_fields


def forms():
    """(command, the specs of a form that runs it) for every form of the ui package (the admin and
    account pages' forms are checked as drawn, in tests/app/test_form_fields.py)."""
    yield CreateItem, item_form.FIELDS
    yield UpdateItem, item_form.FIELDS  # the correction form draws the same specs
    for action, command in {**ACTIONS, "note": AddItemNote}.items():
        yield command, item_actions.FIELDS[action]
    yield CreateMeeting, meeting_form.FIELDS
    yield UpdateMeeting, meeting_form.FIELDS
    yield FollowUpInput, meeting_form.FOLLOW_UP_FIELDS
    for action, command in follow_up_actions.STEPS.items():
        yield command, follow_up_actions.FIELDS[action]
    yield AssignTaskUnits, task_forms.ASSIGN_FIELDS
    yield AddMilestone, task_forms.MILESTONE_FIELDS
    yield EditMilestone, task_forms.MILESTONE_FIELDS
    yield CompleteMilestone, task_forms.DONE_FIELDS
    yield AddProgressUpdate, task_forms.PROGRESS_FIELDS
    yield ChangeLiaison, unit_forms.CHANGE_FIELDS
    yield UpdateLiaison, unit_forms.EDIT_FIELDS
    yield DraftSupervision, supervision_forms.ISSUE_FIELDS
    yield IssueSupervision, supervision_forms.ISSUE_FIELDS
    for command, specs in supervision_forms.STEPS.values():
        yield command, specs


FORMS = list(forms())


@pytest.mark.parametrize("command, specs", FORMS, ids=[f"{c.__name__}-{i}" for i, (c, _) in enumerate(FORMS)])
def test_a_text_fields_limit_is_its_columns_and_its_marker_the_commands_declaration(command, specs):
    declared = {f.name: f for f in input_fields(command)}
    for name, spec in specs.items():
        assert spec.name == name and name in declared, (command.__name__, name)
        field = declared[name]
        if field.is_text:
            multiline, limit = column_limits(field.stored)
            assert spec.max_chars == limit and spec.required == field.required, name
            assert spec.widget == "text" or (spec.widget == "area" and multiline), name
            assert spec.label().endswith(" *") == field.required
        else:
            assert spec.max_chars is None, name


@pytest.mark.parametrize("code", sorted(KINDS))
def test_a_kinds_own_fields_are_required_as_the_kind_says_and_hold_the_details_column(code):
    kind = KINDS[code]
    specs = item_form.detail_fields(kind)
    assert [s.name for s in specs] == list(kind.form_details)
    for spec in specs:
        assert spec.max_chars == max_length(Item.details)
        assert spec.required == (spec.name in kind.required_details)


def test_a_spec_that_contradicts_its_command_is_refused():
    with pytest.raises(KeyError, match="titel"):
        form_fields(CreateItem, titel=("item.title", "text"))
    with pytest.raises(TypeError, match="required"):  # the command says whether it is
        form_fields(CreateItem, title=("item.title", "text", {"required": False}))
    with pytest.raises(ValueError, match="one-line"):  # line breaks the column refuses
        form_fields(CreateItem, title=("item.title", "area"))
    with pytest.raises(ValueError, match="widget"):
        form_fields(CreateItem, title=("item.title", "textbox"))
    spec = form_fields(CreateItem, sent_on=("item.sent_on", "date", {"required": True}))["sent_on"]
    assert spec.required and spec.label().endswith(" *") and spec.max_chars is None


def test_no_form_writes_a_length_limit_of_its_own():
    literal = re.compile(r"max_chars\s*=\s*\d")
    found = [f"{path.relative_to(ROOT)}:{n}" for folder in ("ui", "app_pages") for path in sorted((ROOT / folder).glob("*.py"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if literal.search(line)]
    assert found == []
