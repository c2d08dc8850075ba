"""The four import file formats: items, meeting follow-up items, member units, liaisons.

Headers are the catalog's own terms (外部编号, 事项类型, 发出单位 …), so a file speaks the words of
the pages. Every template column must be present in a file (in any order): a file without, say,
摘要 would otherwise clear every 摘要 it names. Kinds, units, stages and categories are written by
their Chinese names; several units in one cell are separated by 、 (or a comma or semicolon)."""
from __future__ import annotations

from core.kinds import detail_fields
from db.imports.base import Column, FileSpec
from db.models import FollowUp, Item, Liaison, Meeting, Unit

def external_ref(model) -> Column:
    """外部编号: the record's number in the office's own 台账, by which a second import finds it."""
    return Column("external_ref", "item.external_ref", required=True, stored=model.external_ref,
                  hint="import.hint.external_ref")


ITEMS = FileSpec(
    kind="items", key="external_ref", label="title",
    columns=(
        external_ref(Item),
        Column("kind", "item.kind", required=True, hint="import.hint.kind"),
        Column("from_unit", "item.from_unit", required=True, hint="import.hint.unit"),
        Column("to_unit", "item.to_unit", required=True, hint="import.hint.unit"),
        Column("doc_number", "item.doc_number", stored=Item.doc_number, hint="import.hint.doc_number"),
        Column("title", "item.title", required=True, stored=Item.title, hint="import.hint.title"),
        Column("summary", "item.summary", stored=Item.summary, hint="import.hint.text"),
        Column("sent_on", "item.sent_on", "date", required=True, hint="import.hint.date"),
        Column("received_on", "item.received_on", "date", hint="import.hint.received_on"),
        Column("urgent", "item.urgent", "bool", hint="import.hint.urgent"),
        Column("due_on_override", "item.due_override_date", "date", hint="import.hint.due_override"),
        Column("override_reason", "item.override_reason", stored=Item.due_override_reason, hint="import.hint.override_reason"),
        *(Column(field, f"item.details.{field}", stored=Item.details, hint=f"import.hint.{field}")
          for field in detail_fields()),
        Column("key_task", "item.key_task", "int", hint="import.hint.key_task"),
        Column("status", "item.status", hint="import.hint.item_status"),
        Column("outcome", "item.outcome", hint="import.hint.outcome"),
        Column("feedback_on", "item.feedback_on", "date", hint="import.hint.feedback"),
        Column("feedback_text", "item.feedback_text", stored=Item.feedback_text, hint="import.hint.feedback"),
        Column("closed_on", "item.closed_on", "date", hint="import.hint.closed_on"),
    ),
    extra_headers=("import.col.id", "item.mechanism", "item.due_on", "item.due_approximate", "item.due_rule"),
)

FOLLOW_UPS = FileSpec(
    kind="follow_ups", key="external_ref", label="text",
    columns=(
        external_ref(FollowUp),
        Column("held_on", "meeting.held_on", "date", required=True, hint="import.hint.meeting"),
        Column("meeting_title", "meeting.title", required=True, stored=Meeting.title, hint="import.hint.meeting"),
        Column("meeting_kind", "meeting.kind", hint="import.hint.meeting_kind"),
        Column("text", "follow_up.text", required=True, stored=FollowUp.text, hint="import.hint.text"),
        Column("lead_unit", "follow_up.lead_unit", required=True, hint="import.hint.unit"),
        Column("assisting_units", "follow_up.assisting_units", "list", hint="import.hint.units"),
        Column("due_on", "follow_up.due_on", "date", required=True, hint="import.hint.fu_due_on"),
        Column("status", "item.status", hint="import.hint.fu_status"),
        Column("done_on", "follow_up.done_on", "date", hint="import.hint.fu_done"),
        Column("evidence", "follow_up.evidence", stored=FollowUp.evidence, hint="import.hint.fu_done"),
        Column("cancel_reason", "follow_up.cancel_reason", stored=FollowUp.cancel_reason, hint="import.hint.fu_cancel"),
    ),
    extra_headers=("import.col.id",),
)

UNITS = FileSpec(
    kind="units", key="code", label="name",
    columns=(
        Column("code", "import.col.unit_code", required=True, stored=Unit.code, hint="import.hint.unit_code"),
        Column("name", "import.col.unit_name", required=True, stored=Unit.name, hint="import.hint.unit_name"),
        Column("aliases", "import.col.unit_aliases", "list", hint="import.hint.unit_aliases"),
        Column("category", "import.col.category", required=True, hint="import.hint.category"),
        Column("leader_name", "import.col.leader_name", stored=Unit.leader_name, hint="import.hint.optional"),
        Column("leader_title", "import.col.leader_title", stored=Unit.leader_title, hint="import.hint.optional"),
        Column("sort_order", "import.col.sort_order", "int", hint="import.hint.sort_order"),
        Column("state", "import.col.unit_state", hint="import.hint.unit_state"),
    ),
    extra_headers=("import.col.id",),
)

LIAISONS = FileSpec(
    kind="liaisons", key="external_ref", label="name",
    columns=(
        external_ref(Liaison),
        Column("unit", "import.col.unit", required=True, hint="import.hint.unit"),
        Column("name", "import.col.liaison_name", required=True, stored=Liaison.name, hint="import.hint.liaison_name"),
        Column("phone", "import.col.phone", required=True, stored=Liaison.phone, hint="import.hint.phone"),
        Column("email", "import.col.email", stored=Liaison.email, hint="import.hint.email"),
        Column("start_on", "import.col.start_on", "date", required=True, hint="import.hint.start_on"),
        Column("end_on", "import.col.end_on", "date", hint="import.hint.end_on"),
        Column("reported_on", "import.col.reported_on", "date", hint="import.hint.reported_on"),
    ),
    extra_headers=("import.col.id",),
)

SPECS: dict[str, FileSpec] = {s.kind: s for s in (ITEMS, FOLLOW_UPS, UNITS, LIAISONS)}

