"""Importing meeting follow-up items (议定事项), idempotent by 外部编号.

A row names its meeting by 会议日期 and 会议名称, as a 台账 does. A meeting that does not exist yet
is created by the import (with 会议类型, default 联席会议; rows naming the same date and name share
it); an existing meeting is never changed by a follow-up file. Validation is the meeting commands'
own: CreateMeeting's `meeting_errors` for the meeting and the follow-up (text, lead and assisting
units, due date not before the meeting), CompleteFollowUp's and CancelFollowUp's checks for
办理阶段 已完成 (完成日期, 完成情况及佐证) and 已取消 (取消理由). The stage only moves forward
(待办 → 推进中 → 已完成 / 已取消), by the commands' own steps (progress_follow_up,
complete_follow_up with its completion note, cancel_follow_up); left blank it is 待办 for a new
item and unchanged otherwise. A due date that differs from the stored one replaces a "N days after
the meeting" period."""
from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import delete, select

from core import lifecycles as lc
from core.i18n import t
from core.kinds import MEETING_KINDS
from db.commands.base import snapshot
from db.commands.meetings import (CancelFollowUp, CompleteFollowUp, CreateMeeting, FollowUpInput, cancel_follow_up,
                                  complete_follow_up, completion_note, progress_follow_up, set_completion)
from db.imports.base import CachedReads, Planned
from db.imports.importer import Importer, bulk_insert, choose, chunks, lifecycle_path, unit_names, unknown_unit
from db.imports.spec import FOLLOW_UPS
from db.models import FollowUp, FollowUpAssist, FollowUpNote, Meeting

DEFAULT_MEETING_KIND = "joint_meeting"
STEP_COLUMNS = ("done_on", "evidence", "cancel_reason")
FIELD_COLUMNS = {"title": "meeting_title", "kind": "meeting_kind", "held_on": "held_on",
                 "follow_ups.0.text": "text", "follow_ups.0.lead_unit_id": "lead_unit",
                 "follow_ups.0.assisting_unit_ids": "assisting_units", "follow_ups.0.due_on": "due_on",
                 "done_on": "done_on", "evidence": "evidence", "reason": "cancel_reason"}
ATTR_HEADERS = {"meeting_id": "meeting.title", "text": "follow_up.text", "lead_unit_id": "follow_up.lead_unit",
                "assisting": "follow_up.assisting_units", "due_on": "follow_up.due_on", "status": "item.status",
                "done_on": "follow_up.done_on", "evidence": "follow_up.evidence",
                "cancel_reason": "follow_up.cancel_reason"}


class _Reads(CachedReads):
    """Answers `get(Meeting, key)` for meetings this import will create, so the follow-up
    commands' checks (e.g. 完成日期 not before the meeting) run on rows of a new meeting too."""

    def __init__(self, session, planned: dict):
        super().__init__(session)
        self.planned = planned

    def get(self, model, ident, **kw):
        if model is Meeting and isinstance(ident, tuple):
            return self.planned[ident]
        return super().get(model, ident, **kw)


def _meeting_kinds() -> dict[str, str]:
    return {label: code for code, label in MEETING_KINDS.items()}


class FollowUpImporter(Importer):
    spec = FOLLOW_UPS
    entity = "follow_up"

    def prepare(self, rows, errors):
        s = self.session
        existing: dict[str, FollowUp] = self.existing_by_ref(FollowUp, rows)
        assisting: dict[int, set[int]] = {}
        ids = [f.id for f in existing.values()]
        for part in chunks(ids):
            for fu_id, unit_id in s.execute(select(FollowUpAssist.follow_up_id, FollowUpAssist.unit_id)
                                            .where(FollowUpAssist.follow_up_id.in_(part))):
                assisting.setdefault(fu_id, set()).add(unit_id)
        days = {r.values["held_on"] for r in rows if r.values.get("held_on")}
        meetings: dict[tuple, Meeting] = {}
        for part in chunks(sorted(days)):
            meetings.update({(m.held_on, m.title): m for m in s.scalars(select(Meeting).where(Meeting.held_on.in_(part)))})
        self.new_meetings: dict[tuple, Meeting] = {}
        reads = _Reads(s, self.new_meetings)
        units = unit_names(s)
        kinds = _meeting_kinds()
        statuses = {t(f"fu_status.{x}"): x for x in lc.FOLLOW_UP_STATUSES}
        plans = []
        with s.no_autoflush:
            for done, row in enumerate(rows, 1):
                plan = self._row(row, errors, reads, existing, assisting, meetings, units, kinds, statuses)
                if plan is not None:
                    plans.append(plan)
                self.tick("check", done, len(rows))
        return plans

    def _row(self, row, errors, reads, existing, assisting, meetings, units, kinds, statuses):
        v, n = row.values, row.number

        def unit_id(key, name):
            unit = units.find(name)
            if unit is None:
                errors.add_for(n, key, unknown_unit(units, name))
                return None
            return unit.id

        lead_id = unit_id("lead_unit", v["lead_unit"]) if v["lead_unit"] else None
        assist_ids = [unit_id("assisting_units", name) for name in v["assisting_units"]]
        assist_ids = [u for u in assist_ids if u is not None]
        kind = choose(errors, n, "meeting_kind", v["meeting_kind"], kinds)
        status = choose(errors, n, "status", v["status"], statuses)
        key = (v["held_on"], (v["meeting_title"] or "").strip())
        meeting = meetings.get(key) or self.new_meetings.get(key)
        fields = CreateMeeting(self.actor, kind=meeting.kind if meeting else (kind or DEFAULT_MEETING_KIND),
                               title=key[1], held_on=v["held_on"], attending_unit_ids=[],
                               follow_ups=(FollowUpInput(text=v["text"], lead_unit_id=lead_id,
                                                         assisting_unit_ids=assist_ids, due_on=v["due_on"]),))
        for field, message in fields.meeting_errors(reads).items():
            errors.add_for(n, FIELD_COLUMNS.get(field, "meeting_title"), message)
        if errors.has(n):
            return None
        if meeting is None:
            meeting = self.new_meetings[key] = Meeting(kind=fields.kind, title=key[1], held_on=key[0],
                                                       version=1, is_demo=False)
        fu = existing.get(v["external_ref"])
        start = fu.status if fu else lc.FU_OPEN
        if status is not None and lifecycle_path(lc.FOLLOW_UP_TRANSITIONS, start, status) is None:
            errors.add_for(n, "status", t("import.error.stage_backwards", current=t(f"fu_status.{start}"),
                                          target=t(f"fu_status.{status}")))
        final = status or start
        row_like = SimpleNamespace(meeting_id=meeting.id if meeting.id else key)
        steps = {lc.FU_DONE: CompleteFollowUp(self.actor, done_on=v["done_on"], evidence=v["evidence"]),
                 lc.FU_CANCELLED: CancelFollowUp(self.actor, reason=v["cancel_reason"])}
        if status in steps:
            for field, message in steps[status].step_errors(reads, row_like).items():
                errors.add_for(n, FIELD_COLUMNS.get(field, "status"), message)
        allowed = {lc.FU_DONE: ("done_on", "evidence"), lc.FU_CANCELLED: ("cancel_reason",)}.get(status, ())
        for column in STEP_COLUMNS:
            if v[column] not in (None, "") and column not in allowed:
                errors.add_for(n, column, t("import.error.only_for_stage"))
        if errors.has(n):
            return None
        values = dict(text=v["text"].strip(), lead_unit_id=lead_id, due_on=v["due_on"])
        new_assists = {u for u in assist_ids if u != lead_id}
        extra = {"meeting": meeting, "assists": new_assists, "completed": final == lc.FU_DONE and start != lc.FU_DONE}
        if fu is None:
            fu = FollowUp(external_ref=v["external_ref"], status=lc.FU_OPEN, version=1, is_demo=False, **values)
            self._set_stage(fu, status, v)
            return Planned(n, v["external_ref"], v["text"], "create", fu, extra=extra)
        before = snapshot(fu) | {"assisting": sorted(assisting.get(fu.id, set()))}
        if fu.due_on != v["due_on"]:  # a fixed date now: the period no longer applies
            fu.period_amount = fu.period_unit = fu.due_rule = None
        for attr, value in values.items():
            setattr(fu, attr, value)
        self._set_stage(fu, status, v)
        if meeting.id is not None:
            fu.meeting_id = meeting.id
        moved = meeting.id is None
        assists_changed = new_assists != assisting.get(fu.id, set())
        if not (self.session.is_modified(fu) or moved or assists_changed):
            return Planned(n, v["external_ref"], v["text"], "unchanged", fu)
        after = snapshot(fu) | {"assisting": sorted(new_assists), "meeting_id": None if moved else fu.meeting_id}
        return Planned(n, v["external_ref"], v["text"], "update", fu, before,
                       self.changed_columns(before, after, ATTR_HEADERS), extra | {"assists_changed": assists_changed})

    @staticmethod
    def _set_stage(fu: FollowUp, status: str | None, v: dict) -> None:
        """Take the steps from the follow-up's stage to the file's, as the commands take them;
        when it is there already, its completion or cancellation is corrected as the file says."""
        if status is None:
            return
        start = fu.status
        for action, _old, _new in lifecycle_path(lc.FOLLOW_UP_TRANSITIONS, start, status) or []:
            if action == "progress":
                progress_follow_up(fu)
            elif action == "complete":
                complete_follow_up(fu, v["done_on"], v["evidence"] or "")
            else:
                cancel_follow_up(fu, v["cancel_reason"] or "")
        if status == lc.FU_DONE:
            set_completion(fu, v["done_on"], v["evidence"] or "")
        else:
            fu.done_on = fu.evidence = None
        fu.cancel_reason = (v["cancel_reason"] or "").strip() or None if status == lc.FU_CANCELLED else None

    def write(self, plans):
        s = self.session
        meetings = list(self.new_meetings.values())
        s.add_all(meetings)
        s.flush()
        for p in plans:
            if p.action in ("create", "update"):
                p.obj.meeting_id = p.extra["meeting"].id
        creates = [p for p in plans if p.action == "create"]
        s.add_all(p.obj for p in creates)
        s.flush()
        replaced = [p.obj.id for p in plans if p.action == "update" and p.extra.get("assists_changed")]
        for part in chunks(replaced):
            s.execute(delete(FollowUpAssist).where(FollowUpAssist.follow_up_id.in_(part)))
        assists = [dict(follow_up_id=p.obj.id, unit_id=u) for p in plans
                   if p.action == "create" or (p.action == "update" and p.extra.get("assists_changed"))
                   for u in sorted(p.extra["assists"])]
        notes = [completion_note(p.obj, self.actor) for p in plans if p.action in ("create", "update") and p.extra["completed"]]
        bulk_insert(s, FollowUpAssist, assists)
        bulk_insert(s, FollowUpNote, notes)
        self.audit_rows([Planned(0, "", m.title, "create", m) for m in meetings], entity="meeting")
        self.audit_rows(plans)
        self.tick("write", len(plans), len(plans))
        return self.summary(plans) | {"meetings": len(meetings)}
