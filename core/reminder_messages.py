"""The words of a reminder digest: one e-mail / JSON text and one robot markdown, in Chinese,
each record with its stage, title, due date, days overdue and a link into the app."""
from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from core.channels import Message, markdown_text
from core.i18n import fmt_date, t

# Where each kind of record opens in the app (page path and the parameter naming the record).
_LINKS = {"item": ("referrals", {"item": "{id}"}), "follow_up": ("meetings", {"view": "tracker", "fu": "{id}"}),
          "supervision": ("todo", {})}


def link(base_url: str, entity: str, entity_id: int) -> str:
    page, params = _LINKS[entity]
    query = urlencode({k: v.format(id=entity_id) for k, v in params.items()})
    return f"{base_url.rstrip('/')}/{page}{'?' + query if query else ''}"


def _late(due_on: date, today: date) -> str:
    return t("reminder.late", days=(today - due_on).days) if due_on < today else ""


def digest_message(unit: str, entries, today: date, base_url: str, district: str) -> Message:
    """entries: objects with entity, entity_id, title, due_on, stage (db.reminders.Entry)."""
    overdue = sum(e.due_on < today for e in entries)
    subject = t("reminder.subject", unit=unit, n=len(entries), overdue=overdue)
    text = [t("reminder.greeting", unit=unit), t("reminder.intro"), ""]
    markdown = [f"### {markdown_text(subject)}", t("reminder.intro"), ""]
    links = []
    for n, e in enumerate(entries, start=1):
        url = link(base_url, e.entity, e.entity_id)
        links.append(url)
        args = dict(n=n, stage=t(f"reminder.stage.{e.stage}"), entity=t(f"reminder.entity.{e.entity}"),
                    due=fmt_date(e.due_on), late=_late(e.due_on, today))
        text += [t("reminder.line", title=" ".join(e.title.split()), **args), t("reminder.link", url=url)]
        markdown.append(t("reminder.line", title=markdown_text(e.title), **args) + f" [{t('reminder.open')}]({url})")
    text += ["", t("reminder.closing"), t("reminder.signature", district=district)]
    markdown += ["", t("reminder.closing")]
    return Message(subject=subject, text="\n".join(text), markdown="\n".join(markdown), links=tuple(links))
