"""User text is shown as text wherever Streamlit renders Markdown: a title that is a web address or
an e-mail address does not become a live link in the item, 督办, meeting and follow-up headings or
the overdue list (nor in any other heading, caption or alert of those pages)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.permissions import Actor
from db.commands.items import CreateItem
from db.commands.meetings import CreateMeeting
from db.commands.supervision import IssueSupervision
from db.engine import make_engine, read_session
from db.models import FollowUp
from tests.app.conftest import open_page, unit_id
from tests.app.helpers import markdown_bodies
from tests.conftest import TODAY

SYSTEM_ADMIN = Actor(None, "system", "admin")
URL_TITLE = "https://evil.example/login"
MAIL_TITLE = "x@evil.example"
WJ = "\u2060"  # the invisible word joiner that keeps Markdown from reading the text as a link
# What Markdown would turn into a link: an autolink literal (scheme, www., e-mail) or link syntax.
LINKABLE = re.compile(r"(?i)https?://|www\.|@[-\w]+\.|\]\(|<https?:")


@pytest.fixture
def evil(app_env) -> dict[str, int]:
    """Records whose user text is a web or e-mail address: two overdue items, a 督办 on the first,
    a meeting (held at www.evil.example) and its overdue follow-up."""
    engine = make_engine(app_env)
    procuratorate, justice = unit_id(app_env, "procuratorate"), unit_id(app_env, "justice")
    item, mail_item = (CreateItem(SYSTEM_ADMIN, kind="investigation_assistance", from_unit_id=procuratorate,
                                  to_unit_id=justice, title=title, sent_on=TODAY - timedelta(days=60),
                                  details={}).run(engine) for title in (URL_TITLE, MAIL_TITLE))
    sup = IssueSupervision(SYSTEM_ADMIN, target_type="item", target_id=item, level="重点",
                           deadline=TODAY + timedelta(days=7), instruction=f"请登录 {URL_TITLE} 核对").run(engine)
    meeting = CreateMeeting(SYSTEM_ADMIN, kind="joint_meeting", title=URL_TITLE, held_on=TODAY - timedelta(days=40),
                            place="www.evil.example", convened_by=MAIL_TITLE, attending_unit_ids=[justice],
                            follow_ups=[{"text": f"{MAIL_TITLE} {URL_TITLE}", "lead_unit_id": justice,
                                         "due_on": TODAY - timedelta(days=10)}]).run(engine)
    with read_session(engine) as s:
        follow_up = s.scalar(select(FollowUp.id).where(FollowUp.meeting_id == meeting))
    return {"item": item, "mail_item": mail_item, "sup": sup, "meeting": meeting, "follow_up": follow_up}


def shown_as_text(at, *expected: str) -> str:
    """The page's Markdown, checked: no exception, no link can form, and each expected text is
    there in its escaped form (which reads the same once the invisible joiners are dropped)."""
    assert not at.exception
    bodies = markdown_bodies(at)
    assert [b for b in bodies if LINKABLE.search(b)] == []
    text = "\n".join(bodies)
    for value in expected:
        assert value in text.replace(WJ, "") and value not in text
    return text


def test_item_detail_headings_show_addresses_as_text(evil):
    at = open_page("office", "app_pages/referrals.py", item=str(evil["item"]))
    assert f"https{WJ}://evil.example/login" in shown_as_text(at, URL_TITLE)
    at = open_page("office", "app_pages/referrals.py", item=str(evil["mail_item"]))
    assert f"x@{WJ}evil.example" in shown_as_text(at, MAIL_TITLE)


def test_overdue_list_line_shows_the_title_as_text(evil):
    at = open_page("convener", "app_pages/overdue.py", item=str(evil["item"]))
    line = next(m.value for m in at.markdown if "evil.example" in m.value)
    assert line.startswith(f"**https{WJ}://evil.example/login**")
    shown_as_text(at, URL_TITLE)


def test_supervision_heading_shows_the_title_as_text(evil):
    shown_as_text(open_page("convener", "app_pages/supervision.py", id=str(evil["sup"])), URL_TITLE)


def test_meeting_heading_and_caption_show_addresses_as_text(evil):
    at = open_page("office", "app_pages/meetings.py", meeting=str(evil["meeting"]))
    shown_as_text(at, URL_TITLE, "www.evil.example", MAIL_TITLE)


def test_follow_up_heading_shows_addresses_as_text(evil):
    at = open_page("office", "app_pages/meetings.py", view="tracker", fu=str(evil["follow_up"]))
    shown_as_text(at, f"{MAIL_TITLE} {URL_TITLE}")


def test_a_username_that_looks_like_an_address_is_text_in_the_audit_entry(app_env):
    from db.commands.users import CreateUser
    from db.models import AuditLog
    engine = make_engine(app_env)
    CreateUser(Actor(None, "www.evil.example", "admin"), username="clerk", display_name="文员",
               password="Clerk-pass-1", role="office", unit_id=None).run(engine)
    with read_session(engine) as s:
        row = s.scalar(select(AuditLog.id).where(AuditLog.username == "www.evil.example"))
    shown_as_text(open_page("admin", "app_pages/audit.py", row=str(row)), "www.evil.example")
