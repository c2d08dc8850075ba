"""Every text field of every form, as the pages draw it: the widget holds exactly what the column
behind the command's field holds (max_chars), only a multi-line column gets a text area, and the
label is marked " *" exactly when the command requires the field (a kind's document number and
its own details: as the kind says). Each widget is traced by its key to the command the form runs,
independently of the forms' own field specs (ui/fields.py)."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select
from streamlit.testing.v1.element_tree import TextInput

from core import lifecycles as lc
from core.kinds import KINDS, kind_order
from core.permissions import Actor
from db.commands.inputs import input_fields
from db.commands.item_records import RecordAccountability, RecordAccountabilityResult
from db.commands.items import ACTIONS, AddItemNote, CreateItem, ExtendPeriod, UpdateItem
from db.commands.liaisons import ChangeLiaison, UpdateLiaison
from db.commands.meetings import (AddFollowUpProgress, CancelFollowUp, CompleteFollowUp, CreateMeeting,
                                  FollowUpInput, UpdateMeeting)
from db.commands.settings import AddHolidayEntry
from db.commands.supervision import IssueSupervision, ResolveSupervision, RespondSupervision
from db.commands.tasks import AddMilestone, AddProgressUpdate, EditMilestone
from db.commands.users import CreateUser, UpdateUser
from db.engine import make_engine, read_session
from db.models import FollowUp, Item, KeyTask, Meeting
from db.stored_values import column_limits
from tests.app.conftest import admin_page, open_page, unit_id
from tests.conftest import TODAY

SYSTEM_ADMIN = Actor(None, "system", "admin")
DETAIL = object()  # an item's kind-specific detail (Item.details), required as its kind says
FOLLOW_UP_STEPS = {"progress": AddFollowUpProgress, "complete": CompleteFollowUp, "cancel": CancelFollowUp}
SUPERVISION_STEPS = {"respond": RespondSupervision, "resolve": ResolveSupervision}
ITEM_STEPS = {**ACTIONS, "note": AddItemNote}

# widget key -> the command (or a function of the key's groups giving it); the last group is the field
ROUTES = [
    (r"item_form\.details\.(\w+)", DETAIL),
    (r"item_form\.(\w+)", CreateItem),
    (r"item_edit\.\d+\.details\.(\w+)", DETAIL),
    (r"item_edit\.\d+\.(\w+)", UpdateItem),
    (r".*\.supervise(?:\.\d+)?\.(\w+)", IssueSupervision),  # DraftSupervision declares the same
    (r"meeting_(?:form|edit\.\d+)\.follow_ups\.\d+\.(\w+)", FollowUpInput),
    (r"meeting_form\.(\w+)", CreateMeeting),
    (r"meeting_edit\.\d+\.(\w+)", UpdateMeeting),
    (r"follow_up\.\d+\.(progress|complete|cancel)\.(\w+)", FOLLOW_UP_STEPS),
    (r"task\.\d+\.milestone\.(\w+)", AddMilestone),
    (r"task\.\d+\.milestone_edit\.\d+\.(\w+)", EditMilestone),
    (r"task\.\d+\.progress\.(\w+)", AddProgressUpdate),
    (r"todo\.key_task\.\d+\.report\.(\w+)", AddProgressUpdate),
    (r"units\.\d+\.liaison_change\.(\w+)", ChangeLiaison),
    (r"units\.\d+\.liaison_edit\.\d+\.(\w+)", UpdateLiaison),
    (r".*\.(respond|resolve)\.(response_text|resolution_text)", SUPERVISION_STEPS),
    (r".*\.(receive|start|respond|return|close|withdraw|note)\.(\w+)", ITEM_STEPS),
    (r"item_detail\.\d+\.(extend|accountability)\.(\w+)", {"extend": ExtendPeriod, "accountability": RecordAccountability}),
    (r"item_detail\.\d+\.accountability_result\.\d+\.(\w+)", RecordAccountabilityResult),
    (r"admin\.create\.(\w+)", CreateUser),
    (r"admin\.edit\.\d+\.(\w+)", UpdateUser),
    (r"settings\.holiday\.add\.(\w+)", AddHolidayEntry),
]
# search filters, the sign-in, the pasted holiday notice (read, not stored: core.holiday_notice.MAX_CHARS)
# and a unit's other names (one per line: SetUnitAliases checks each line against Unit.aliases)
NOT_FORMS = re.compile(r"q|signin\.username|settings\.notice\.text|units\.\d+\.aliases\.aliases")


def route(key: str):
    for pattern, target in ROUTES:
        match = re.fullmatch(pattern, key)
        if match:
            command = target[match.group(1)] if isinstance(target, dict) else target
            return command, match.groups()[-1]
    raise AssertionError(f"no form known for the text widget {key}")


def check_text_fields(at, kinds: dict[str, str]) -> set[str]:
    """Check every text widget of the page; `kinds` gives the item kind of a form key prefix
    (item_form, item_edit.<id>). Returns the keys checked."""
    assert not at.exception
    checked = set()
    for widget in [*at.text_input, *at.text_area]:
        key = widget.key
        one_line = isinstance(widget, TextInput)
        if NOT_FORMS.fullmatch(key) or one_line and widget.proto.type == widget.proto.PASSWORD:
            continue
        command, name = route(key)
        kind = next((KINDS[code] for prefix, code in kinds.items() if key.startswith(prefix + ".")), None)
        if command is DETAIL:
            attribute, required = Item.details, name in kind.required_details
        else:
            declared = {f.name: f for f in input_fields(command)}
            assert name in declared and declared[name].is_text, key
            attribute, required = declared[name].stored, declared[name].required
            if name == "doc_number":
                required = kind.doc_number_required
        multiline, limit = column_limits(attribute)
        assert widget.max_chars == limit, key
        assert widget.label.endswith(" *") == required, (key, widget.label)
        assert multiline or one_line, f"{key}: a text area for a one-line column"
        checked.add(key)
    return checked


def choose(at, group_key: str, option) -> None:
    next(g for g in at.get("button_group") if g.key == group_key).set_value(option)
    at.run()


def options(at, group_key: str) -> list:
    return [o for g in at.get("button_group") if g.key == group_key for o in g.options]


def first(url, model, *conditions):
    with read_session(make_engine(url)) as s:
        return s.scalars(select(model).where(*conditions).order_by(model.id)).first()


def test_the_item_forms_and_every_action_form(app_env):
    item = first(app_env, Item, Item.status == lc.RECEIVED)
    at = open_page("office", "app_pages/referrals.py", item=str(item.id))
    kinds = {"item_form": at.selectbox(key="item_form.kind").value, f"item_edit.{item.id}": item.kind}
    at.checkbox(key="item_form.override").check().run()
    checked = check_text_fields(at, kinds)
    for code in kind_order():  # every kind's own fields in the new-item form
        at.selectbox(key="item_form.kind").set_value(code).run()
        checked |= check_text_fields(at, kinds | {"item_form": code})
    group = f"item_detail.{item.id}.action"
    for action in options(at, group):
        choose(at, group, action)
        checked |= check_text_fields(at, kinds | {"item_form": code})
    assert {"item_form.title", "item_form.details.case_name", "item_form.override_reason", f"item_edit.{item.id}.title",
            f"item_detail.{item.id}.respond.feedback_text", f"item_detail.{item.id}.note.note",
            f"item_detail.{item.id}.supervise.instruction"} <= checked


def test_the_meeting_forms_and_every_follow_up_action_form(app_env):
    meeting = first(app_env, Meeting)
    at = open_page("office", "app_pages/meetings.py", meeting=str(meeting.id))
    at.number_input(key=f"meeting_edit.{meeting.id}.follow_up_count").set_value(1).run()
    checked = check_text_fields(at, {})
    assert {"meeting_form.title", "meeting_form.follow_ups.0.text", f"meeting_edit.{meeting.id}.topics",
            f"meeting_edit.{meeting.id}.follow_ups.0.text"} <= checked
    fu = first(app_env, FollowUp, FollowUp.status == lc.FU_OPEN)
    at = open_page("office", "app_pages/meetings.py", view="tracker", fu=str(fu.id))
    group = f"follow_up.{fu.id}.action"
    for action in options(at, group):
        choose(at, group, action)
        checked |= check_text_fields(at, {})
    assert {f"follow_up.{fu.id}.{action}.{name}" for action, name in
            (("progress", "note"), ("complete", "evidence"), ("cancel", "reason"))} <= checked


def test_the_task_unit_supervision_admin_and_account_forms(app_env):
    task = first(app_env, KeyTask)
    checked = check_text_fields(open_page("office", "app_pages/tasks.py", task=str(task.id)), {})
    checked |= check_text_fields(open_page("office", "app_pages/units.py",
                                           unit=str(unit_id(app_env, "market_regulation"))), {})
    item_id = first(app_env, Item, Item.status.in_(lc.OPEN_ITEM_STATUSES),
                    Item.to_unit_id == unit_id(app_env, "market_regulation")).id
    sup_id = IssueSupervision(SYSTEM_ADMIN, target_type="item", target_id=item_id, level="重点",
                              deadline=TODAY + timedelta(days=10), instruction="请按期书面反馈。").run(make_engine(app_env))
    for role in ("convener", "liaison"):
        checked |= check_text_fields(open_page(role, "app_pages/supervision.py", id=str(sup_id)), {})
    checked |= check_text_fields(open_page("liaison", "app_pages/todo.py"), {})
    for tab in ("账户", "期限规则", "节假日", "待办与催办"):  # only the open tab is drawn
        checked |= check_text_fields(admin_page("admin", tab), {})
    checked |= check_text_fields(open_page("office", "app_pages/account.py"), {})
    assert {f"task.{task.id}.milestone.title", f"task.{task.id}.progress.text", f"supervision.{sup_id}.resolve.resolution_text",
            f"supervision.{sup_id}.respond.response_text", "admin.create.username", "settings.holiday.add.note"} <= checked
    assert any(re.fullmatch(r"units\.\d+\.liaison_change\.name", key) for key in checked)
    assert not any(key.startswith("account.") for key in checked)  # passwords only: no stored text
