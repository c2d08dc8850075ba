"""The page registry: every page the app has, and the navigation built per role on every run."""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.i18n import t
from core.permissions import CITY_ROLES, LIAISON, Actor, visible_pages
from ui.todo import todo_count


@dataclass(frozen=True)
class PageSpec:
    script: str
    title_key: str
    icon: str
    url_path: str
    section_key: str


PAGES: dict[str, PageSpec] = {  # key as in core.permissions.PAGE_ACTIONS
    "city": PageSpec("app_pages/city.py", "page.city", ":material/location_city:", "city", "nav.section.city"),
    "todo": PageSpec("app_pages/todo.py", "page.todo", ":material/inbox:", "todo", "nav.section.oversight"),
    "overview": PageSpec("app_pages/overview.py", "page.overview", ":material/dashboard:", "overview", "nav.section.oversight"),
    "referrals": PageSpec("app_pages/referrals.py", "page.referrals", ":material/swap_horiz:", "referrals", "nav.section.oversight"),
    "overdue": PageSpec("app_pages/overdue.py", "page.overdue", ":material/alarm:", "overdue", "nav.section.oversight"),
    "supervision": PageSpec("app_pages/supervision.py", "page.supervision", ":material/gavel:", "supervision", "nav.section.oversight"),
    "meetings": PageSpec("app_pages/meetings.py", "page.meetings", ":material/groups:", "meetings", "nav.section.oversight"),
    "tasks": PageSpec("app_pages/tasks.py", "page.tasks", ":material/flag:", "tasks", "nav.section.oversight"),
    "weekly": PageSpec("app_pages/weekly.py", "page.weekly", ":material/co_present:", "weekly", "nav.section.oversight"),
    "bulletin": PageSpec("app_pages/bulletin.py", "page.bulletin", ":material/summarize:", "bulletin",
                         "nav.section.oversight"),
    "units": PageSpec("app_pages/units.py", "page.units", ":material/apartment:", "units", "nav.section.oversight"),
    "data": PageSpec("app_pages/data.py", "page.data", ":material/import_export:", "data", "nav.section.system"),
    "reminders": PageSpec("app_pages/reminders.py", "page.reminders", ":material/notifications:", "reminders",
                          "nav.section.system"),
    "audit": PageSpec("app_pages/audit.py", "page.audit", ":material/history:", "audit", "nav.section.system"),
    "account": PageSpec("app_pages/account.py", "page.account", ":material/person:", "account", "nav.section.system"),
    "admin": PageSpec("app_pages/admin.py", "page.admin", ":material/admin_panel_settings:", "admin", "nav.section.system"),
}


def navigation_for(actor: Actor, hidden: bool = False):
    """Register only the pages this role may see, grouped in sections."""
    sections: dict[str, list] = {}
    landing = "todo" if actor.role == LIAISON else "city" if actor.role in CITY_ROLES else "overview"
    for key in visible_pages(actor):
        spec = PAGES.get(key)
        if spec is None:
            continue
        title = t(spec.title_key)
        if key == "todo":
            waiting = todo_count(actor)
            title = t("page.todo_count", n=waiting) if waiting else title
        sections.setdefault(t(spec.section_key), []).append(
            st.Page(spec.script, title=title, icon=spec.icon, url_path=spec.url_path, default=key == landing))
    return st.navigation(sections, position="hidden" if hidden else "sidebar")


def signin_navigation(signin_page):
    """Before sign-in only the sign-in form exists — at every page's address, so a deep link
    (e.g. /referrals?item=12) shows the form and, once signed in, that very page."""
    pages = [st.Page(signin_page, title=t("page.signin"), url_path="signin", default=True)]
    pages += [st.Page(signin_page, title=t("page.signin"), url_path=spec.url_path) for spec in PAGES.values()]
    return st.navigation(pages, position="hidden")
