"""The permission matrix of DESIGN §5, role by role; deny by default."""
import pytest

from core.permissions import (_MATRIX, ADMIN, CITY_ADMIN, CITY_CONVENER, CITY_ROLES, CITY_VIEWER, CONVENER, LIAISON,
                              OFFICE, ROLES, SYSTEM, VIEWER, Actor, can, visible_pages)

OWN, OTHER = 7, 8


def who(role, unit=None):
    return Actor(user_id=1, username=role, role=role, unit_id=unit)


EXPECTED = {  # action -> roles allowed everywhere
    "view_dashboard": {ADMIN, CONVENER, OFFICE, LIAISON, VIEWER},
    "edit_records": {ADMIN, OFFICE},
    "record_feedback": {ADMIN, OFFICE},
    "issue_supervision": {ADMIN, CONVENER},
    "resolve_supervision": {ADMIN, CONVENER},
    "draft_supervision": {ADMIN, CONVENER, OFFICE},
    "respond_supervision": {ADMIN, OFFICE},
    "import_data": {ADMIN, OFFICE},
    "export_data": {ADMIN, CONVENER, OFFICE},
    "manage_accounts": {ADMIN},
    "manage_settings": {ADMIN},
    "read_audit": {ADMIN, CONVENER, OFFICE},
}


@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_matrix_for_records_of_another_unit(role, action):
    assert can(who(role, unit=OWN), action, owner_unit_ids=[OTHER]) == (role in EXPECTED[action])


@pytest.mark.parametrize("action", ["record_feedback", "respond_supervision", "export_data"])
def test_liaison_acts_only_for_own_unit(action):
    liaison = who(LIAISON, unit=OWN)
    assert can(liaison, action, owner_unit_ids=[OWN])
    assert can(liaison, action, owner_unit_ids=[OTHER, OWN])
    assert not can(liaison, action, owner_unit_ids=[OTHER])
    assert not can(who(LIAISON, unit=None), action, owner_unit_ids=[OWN])


@pytest.mark.parametrize("action", ["edit_records", "manage_accounts", "issue_supervision", "import_data"])
def test_liaison_never_gets_office_powers_even_for_own_unit(action):
    assert not can(who(LIAISON, unit=OWN), action, owner_unit_ids=[OWN])


def test_deny_by_default():
    assert not can(None, "view_dashboard")
    assert not can(who("intruder"), "view_dashboard")
    assert not can(who(ADMIN), "no_such_action")


def test_system_actor_only_records_sign_ins():
    assert can(SYSTEM, "authenticate")
    assert not can(SYSTEM, "manage_accounts")
    assert not any(can(who(role), "authenticate") for role in ROLES)


def test_pages_per_role():
    assert visible_pages(who(ADMIN)) == ["todo", "overview", "referrals", "overdue", "supervision", "meetings", "tasks",
                                       "weekly", "bulletin", "units", "data", "reminders", "audit", "admin", "account"]
    for role in (CONVENER, OFFICE, LIAISON, VIEWER):
        assert "admin" not in visible_pages(who(role, unit=OWN))
        assert "overview" in visible_pages(who(role, unit=OWN))
        assert "todo" in visible_pages(who(role, unit=OWN))  # 待办 is there for every role
    assert visible_pages(None) == []


CITY_EXPECTED = {  # what a city account may do, besides signing out and changing its password
    CITY_CONVENER: {"view_city", "view_dashboard"},
    CITY_VIEWER: {"view_city", "view_dashboard"},
    CITY_ADMIN: {"view_city", "manage_districts", "manage_accounts", "manage_city_settings"},
}


@pytest.mark.parametrize("role", CITY_ROLES)
def test_city_accounts_read_and_never_edit_a_districts_records(role):
    allowed = {action for action in _MATRIX if can(who(role), action)} - {"sign_out", "change_own_password"}
    assert allowed == CITY_EXPECTED[role]


def test_only_city_accounts_see_the_city_and_only_district_accounts_have_todo():
    for role in ROLES:
        assert not can(who(role, unit=OWN), "view_city") and not can(who(role), "manage_districts")
        assert "city" not in visible_pages(who(role, unit=OWN))
    assert visible_pages(who(CITY_CONVENER))[:2] == ["city", "overview"]
    assert "todo" not in visible_pages(who(CITY_CONVENER))
    assert set(visible_pages(who(CITY_ADMIN))) == {"city", "admin", "account"}


def test_a_setting_of_the_city_layer_needs_the_city_admin_and_a_districts_its_admin():
    """CityLayered.permission_in: which permission a deadline or calendar setting needs depends on
    where it is written, not on the command."""
    from unittest import mock

    from db.commands.settings import AddHolidayEntry
    command = AddHolidayEntry(who(ADMIN), day=None, kind="holiday", note=None)
    with mock.patch("db.districts.in_city_layer", return_value=True):
        needed = command.permission_in(session=None)
        assert needed == "manage_city_settings"
        assert can(who(CITY_ADMIN), needed) and not can(who(ADMIN), needed)
    with mock.patch("db.districts.in_city_layer", return_value=False):
        needed = command.permission_in(session=None)
        assert needed == "manage_settings"
        assert can(who(ADMIN), needed) and not can(who(CITY_ADMIN), needed)
