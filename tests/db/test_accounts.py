"""Accounts, sign-in hardening and the command pipeline, on SQLite and PostgreSQL."""
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from core.clock import utcnow
from core.passwords import check_password
from core.permissions import Actor
from db import auth
from db.commands.base import PermissionDenied, StaleEdit, ValidationFailed
from db.commands.users import ChangeOwnPassword, CreateUser, ResetPassword, SignOut, UpdateUser
from db.engine import read_session
from db.models import AuditLog, Unit, User
from db import table_versions
from db.queries.common import data_version
from tests.conftest import count

ADMIN = Actor(user_id=None, username="system", role="admin")


def make_user(engine, username="clerk", role="office", unit_id=None, password="Clerk-pass-1"):
    return CreateUser(ADMIN, username=username, display_name="办公室文员", password=password, role=role,
                      unit_id=unit_id).run(engine)


def unit_id(engine, code="market_regulation"):
    with read_session(engine) as s:
        return s.scalar(select(Unit.id).where(Unit.code == code))


def test_create_user_writes_row_and_audit_without_secret(engine):
    before = data_version(engine)
    user_id = make_user(engine)
    assert data_version(engine) > before
    with read_session(engine) as s:
        user = s.get(User, user_id)
        audit = s.scalars(select(AuditLog).where(AuditLog.action == "user.create")).one()
    assert user.role == "office" and user.active
    assert check_password("Clerk-pass-1", user.password_hash) and user.password_hash.startswith("$2b$")
    assert audit.entity_id == user_id and audit.before is None
    assert audit.after["username"] == "clerk" and "password_hash" not in audit.after


@pytest.mark.parametrize("data,field", [
    (dict(username="X y"), "username"),
    (dict(username=""), "username"),
    (dict(password="short1"), "password"),
    (dict(password="onlyletters"), "password"),
    (dict(role="superuser"), "role"),
    (dict(role="liaison", unit_id=None), "unit_id"),
    (dict(unit_id=999999), "unit_id"),
    (dict(display_name="长" * 51), "display_name"),
])
def test_create_user_validation_names_the_field(engine, data, field):
    values = dict(username="newuser", display_name="张三", password="Good-pass-1", role="office", unit_id=None)
    values.update(data)
    with pytest.raises(ValidationFailed) as exc:
        CreateUser(ADMIN, **values).run(engine)
    assert field in exc.value.field_errors and exc.value.field_errors[field]
    assert count(engine, User) == 0 and count(engine, AuditLog) == 1  # only the reference load


def test_duplicate_username_refused(engine):
    make_user(engine)
    with pytest.raises(ValidationFailed) as exc:
        make_user(engine)
    assert "username" in exc.value.field_errors


def test_only_admin_manages_accounts(engine):
    for role in ("convener", "office", "liaison", "viewer"):
        with pytest.raises(PermissionDenied):
            CreateUser(Actor(5, "x", role, unit_id=1), username="newuser", display_name="张三",
                       password="Good-pass-1", role="office", unit_id=None).run(engine)
    assert count(engine, User) == 0


def test_stale_edit_is_refused_and_nothing_written(engine):
    user_id = make_user(engine)
    UpdateUser(ADMIN, user_id=user_id, version=1, display_name="第一次", role="viewer", unit_id=None, active=True).run(engine)
    with pytest.raises(StaleEdit):
        UpdateUser(ADMIN, user_id=user_id, version=1, display_name="过期的修改", role="office", unit_id=None,
                   active=True).run(engine)
    with read_session(engine) as s:
        user = s.get(User, user_id)
    assert (user.display_name, user.role, user.version) == ("第一次", "viewer", 2)


def test_five_failures_lock_for_fifteen_minutes(engine):
    make_user(engine)
    for _ in range(4):
        assert auth.authenticate(engine, "clerk", "wrong").outcome == auth.BAD_CREDENTIALS
    result = auth.authenticate(engine, "clerk", "wrong")
    assert result.outcome == auth.LOCKED
    assert timedelta(minutes=14) < result.locked_until - utcnow() <= timedelta(minutes=15)
    # the right password does not help while locked
    assert auth.authenticate(engine, "clerk", "Clerk-pass-1").outcome == auth.LOCKED
    with read_session(engine) as s:
        s.execute(update(User).values(locked_until=utcnow() - timedelta(seconds=1)))
        s.commit()
    assert auth.authenticate(engine, "clerk", "Clerk-pass-1").outcome == auth.OK


def test_success_resets_failure_count(engine):
    make_user(engine)
    for _ in range(4):
        auth.authenticate(engine, "clerk", "wrong")
    assert auth.authenticate(engine, "clerk", "Clerk-pass-1").outcome == auth.OK
    for _ in range(4):
        assert auth.authenticate(engine, "clerk", "wrong").outcome == auth.BAD_CREDENTIALS


def test_unknown_user_and_inactive_user(engine):
    assert auth.authenticate(engine, "nobody", "whatever1").outcome == auth.BAD_CREDENTIALS
    user_id = make_user(engine)
    issued = utcnow()
    assert auth.session_user(engine, "clerk", issued) is not None
    UpdateUser(ADMIN, user_id=user_id, version=1, display_name="文员", role="office", unit_id=None, active=False).run(engine)
    assert auth.authenticate(engine, "clerk", "Clerk-pass-1").outcome == auth.INACTIVE
    assert auth.session_user(engine, "clerk", utcnow()) is None


def test_sign_out_and_password_change_revoke_earlier_sessions(engine):
    user_id = make_user(engine)
    me = Actor(user_id, "clerk", "office")
    first = utcnow()
    assert auth.session_user(engine, "clerk", first) is not None
    SignOut(me).run(engine)
    assert auth.session_user(engine, "clerk", first) is None
    second = utcnow()
    assert auth.session_user(engine, "clerk", second) is not None
    ChangeOwnPassword(me, current_password="Clerk-pass-1", new_password="New-pass-22").run(engine)
    assert auth.session_user(engine, "clerk", second) is None
    assert auth.authenticate(engine, "clerk", "New-pass-22").outcome == auth.OK


def test_change_password_needs_current_password(engine):
    user_id = make_user(engine)
    with pytest.raises(ValidationFailed) as exc:
        ChangeOwnPassword(Actor(user_id, "clerk", "office"), current_password="nope", new_password="New-pass-22").run(engine)
    assert "current_password" in exc.value.field_errors


def test_reset_password_unlocks_and_revokes(engine):
    user_id = make_user(engine)
    for _ in range(5):
        auth.authenticate(engine, "clerk", "wrong")
    issued = utcnow()
    ResetPassword(ADMIN, user_id=user_id, version=None, new_password="Reset-pass-3").run(engine)
    assert auth.session_user(engine, "clerk", issued) is None
    assert auth.authenticate(engine, "clerk", "Reset-pass-3").outcome == auth.OK


def test_admin_cannot_lock_themselves_out(engine):
    admin_id = make_user(engine, username="boss", role="admin")
    me = Actor(admin_id, "boss", "admin")
    with pytest.raises(ValidationFailed) as exc:
        UpdateUser(me, user_id=admin_id, version=1, display_name="老板", role="admin", unit_id=None, active=False).run(engine)
    assert "active" in exc.value.field_errors


def test_liaison_account_keeps_its_unit(engine):
    uid = unit_id(engine)
    user_id = make_user(engine, username="liaison1", role="liaison", unit_id=uid)
    actor = auth.authenticate(engine, "liaison1", "Clerk-pass-1").actor
    assert actor.unit_id == uid and actor.role == "liaison" and actor.user_id == user_id


def test_demo_accounts_do_not_work_outside_demo_mode(engine):
    """A database that once ran in demo mode keeps its demo users; production refuses them."""
    CreateUser(ADMIN, username="demo_office", display_name="演示", password="Demo-office-2025", role="office",
               unit_id=None, is_demo=True).run(engine)
    assert auth.authenticate(engine, "demo_office", "Demo-office-2025", allow_demo=True).outcome == auth.OK
    assert auth.authenticate(engine, "demo_office", "Demo-office-2025", allow_demo=False).outcome == auth.INACTIVE
    assert auth.session_user(engine, "demo_office", utcnow(), allow_demo=False) is None


def test_overlong_password_is_a_field_message_not_a_crash(engine):
    with pytest.raises(ValidationFailed) as exc:
        make_user(engine, password="密码" * 30 + "a1")
    assert "password" in exc.value.field_errors
    assert auth.authenticate(engine, "nobody", "长" * 40).outcome == auth.BAD_CREDENTIALS


def test_a_sign_in_attempt_changes_only_the_accounts_and_the_audit_log(engine):
    """The read cache is keyed per table: a sign-in attempt must not make every page's reads stale."""
    make_user(engine)
    before = table_versions.versions(engine)
    auth.authenticate(engine, "clerk", "wrong")
    auth.authenticate(engine, "clerk", "Clerk-pass-1")
    after = table_versions.versions(engine)
    assert {name for name in after if after[name] != before[name]} == {"app_user", "audit_log"}
    for _ in range(5):
        auth.authenticate(engine, "clerk", "wrong")
    assert table_versions.versions(engine)["app_user"] > after["app_user"]  # the lock is shown on the accounts page


def test_an_account_email_is_stored_trimmed_in_lower_case_and_a_blank_one_removes_it(engine):
    user_id = CreateUser(ADMIN, username="liaison7", display_name="联络员", password="Clerk-pass-1", role="liaison",
                         unit_id=unit_id(engine), email="  Li.Si@Example.GOV.cn ").run(engine)
    with read_session(engine) as s:
        user = s.get(User, user_id)
        assert user.email == "li.si@example.gov.cn"
        version = user.version
    UpdateUser(ADMIN, user_id=user_id, version=version, display_name="联络员", email="", role="liaison",
               unit_id=unit_id(engine), active=True).run(engine)
    with read_session(engine) as s:
        assert s.get(User, user_id).email is None


@pytest.mark.parametrize("address", ["li si@example.cn", "lisi@", "李四@例子.中国", "a@b@example.cn", "lisi@example..cn"])
def test_an_account_email_that_cannot_receive_reminders_is_refused_under_its_field(engine, address):
    with pytest.raises(ValidationFailed) as refused:
        CreateUser(ADMIN, username="liaison8", display_name="联络员", password="Clerk-pass-1", role="office",
                   unit_id=None, email=address).run(engine)
    assert refused.value.field_errors == {"email": "电子邮箱格式不正确,例如 name@example.gov.cn。"}
    assert count(engine, User) == 0
