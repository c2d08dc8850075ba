"""Roles and the permission matrix of DESIGN §5. One place decides; deny by default.

Pages and every command ask `can(...)`. An action that depends on the unit that owns a record
takes `owner_unit_ids`: a liaison may act only when their own unit is among them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

ADMIN, CONVENER, OFFICE, LIAISON, VIEWER = "admin", "convener", "office", "liaison", "viewer"
ROLES = (ADMIN, CONVENER, OFFICE, LIAISON, VIEWER)  # a district's accounts
# City accounts belong to no district: they compare districts and read a district's pages; the
# city admin adds districts and their first admins.
CITY_ADMIN, CITY_CONVENER, CITY_VIEWER = "city_admin", "city_convener", "city_viewer"
CITY_ROLES = (CITY_ADMIN, CITY_CONVENER, CITY_VIEWER)
# Not a user role: the sign-in machinery itself, recording attempts before anyone is signed in.
SYSTEM_ROLE = "system"

# action -> roles allowed unconditionally / roles allowed only for their own unit
_MATRIX: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "view_dashboard": (frozenset(ROLES) | {CITY_CONVENER, CITY_VIEWER}, frozenset()),
    "view_city": (frozenset(CITY_ROLES), frozenset()),
    "view_todo": (frozenset(ROLES), frozenset()),  # a district account's own lists
    "manage_districts": (frozenset({CITY_ADMIN}), frozenset()),
    "edit_records": (frozenset({ADMIN, OFFICE}), frozenset()),
    "record_feedback": (frozenset({ADMIN, OFFICE}), frozenset({LIAISON})),
    "issue_supervision": (frozenset({ADMIN, CONVENER}), frozenset()),
    "resolve_supervision": (frozenset({ADMIN, CONVENER}), frozenset()),
    "draft_supervision": (frozenset({ADMIN, CONVENER, OFFICE}), frozenset()),
    "respond_supervision": (frozenset({ADMIN, OFFICE}), frozenset({LIAISON})),
    "send_reminders": (frozenset({ADMIN, OFFICE}), frozenset()),
    "import_data": (frozenset({ADMIN, OFFICE}), frozenset()),
    "export_data": (frozenset({ADMIN, CONVENER, OFFICE}), frozenset({LIAISON})),
    "manage_accounts": (frozenset({ADMIN, CITY_ADMIN}), frozenset()),
    "manage_settings": (frozenset({ADMIN}), frozenset()),
    "manage_city_settings": (frozenset({CITY_ADMIN}), frozenset()),  # the city layer's holidays and rules
    "read_audit": (frozenset({ADMIN, CONVENER, OFFICE}), frozenset()),
    "change_own_password": (frozenset(ROLES + CITY_ROLES), frozenset()),
    "sign_out": (frozenset(ROLES + CITY_ROLES), frozenset()),
    "authenticate": (frozenset({SYSTEM_ROLE}), frozenset()),
}

# page key -> action needed to see it (ui/navigation.py PAGES draws each page)
PAGE_ACTIONS: dict[str, str] = {
    "city": "view_city",
    "todo": "view_todo",
    "overview": "view_dashboard",
    "referrals": "view_dashboard",
    "overdue": "view_dashboard",
    "supervision": "view_dashboard",
    "meetings": "view_dashboard",
    "tasks": "view_dashboard",
    "weekly": "view_dashboard",
    "bulletin": "view_dashboard",
    "units": "view_dashboard",
    "data": "export_data",
    "reminders": "send_reminders",
    "audit": "read_audit",
    "admin": "manage_accounts",
    "account": "change_own_password",
}


@dataclass(frozen=True)
class Actor:
    """Who is acting: what every permission check and audit row needs."""
    user_id: int | None
    username: str
    role: str
    unit_id: int | None = None
    district_id: int | None = None  # where the account belongs; None: the command-line and the app itself


SYSTEM = Actor(user_id=None, username="system", role=SYSTEM_ROLE)


def can(actor: Actor | None, action: str, owner_unit_ids: Iterable[int | None] | None = None) -> bool:
    if actor is None or action not in _MATRIX:
        return False
    everywhere, own_unit_only = _MATRIX[action]
    if actor.role in everywhere:
        return True
    if actor.role in own_unit_only:
        # Without a record to check against, the own-unit roles may reach the action's screen.
        if owner_unit_ids is None:
            return actor.unit_id is not None
        return actor.unit_id is not None and actor.unit_id in set(owner_unit_ids)
    return False


def visible_pages(actor: Actor | None) -> list[str]:
    return [page for page, action in PAGE_ACTIONS.items() if can(actor, action)]
