"""Command-line administration, for production set-up on a shared database.

    python manage.py migrate            # bring the schema up to date and load the reference data
    python manage.py create-admin USERNAME --display-name 姓名 [--district CODE]
                                        # password read from the terminal (or from standard input
                                        # with --password-stdin); the district's first admin
    python manage.py create-city-account USERNAME --role city_admin|city_convener|city_viewer
                                        # an account of the city, in no district (password as above)
    python manage.py add-district CODE --name 名称 --from DIR   # a district and its plan, read from
                                        # files in the shape of seed/ (again: the plan is updated)
    python manage.py remind [--today YYYY-MM-DD] [--dry-run] [--json]   # the daily 催办 digests,
                                        # district by district

DATABASE_URL (environment or .streamlit/secrets.toml) chooses the database."""
from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import date
from pathlib import Path

from core.config import load_settings
from core.permissions import CITY_ADMIN, CITY_ROLES, Actor
from db.commands.base import CommandError
from db.commands.users import CreateUser
from db import districts
from db.engine import gather_statistics, gathers_statistics_itself, make_engine, migrate
from seed.reference import load_reference

# The first admin is created by whoever can run commands on the server: recorded as "cli".
CLI_ACTOR = Actor(user_id=None, username="cli", role="admin")
CLI_CITY_ACTOR = Actor(user_id=None, username="cli", role=CITY_ADMIN)


def _engine():
    engine = make_engine(load_settings().database_url)
    migrate(engine)
    load_reference(engine)
    return engine


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="府检联动工作台 administration")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="migrate the schema and load reference data")
    create = sub.add_parser("create-admin", help="create an administrator account")
    create.add_argument("username")
    create.add_argument("--display-name", default="系统管理员")
    create.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    create.add_argument("--district", default=districts.HOME, help="the district's code (default: %(default)s)")
    city = sub.add_parser("create-city-account", help="create a city account (市级管理员, 市级召集人, 市级查看)")
    city.add_argument("username")
    city.add_argument("--role", required=True, choices=CITY_ROLES)
    city.add_argument("--display-name", default="市级账户")
    city.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add = sub.add_parser("add-district", help="add a district, or update its plan, from files in the shape of seed/")
    add.add_argument("code", help="a short code: lower-case letters, digits, underscores")
    add.add_argument("--name", required=True, help="the district's name, e.g. 硚口区")
    add.add_argument("--from", dest="source", type=Path, required=True,
                     help="directory with units.csv, leadership.json, mechanisms.json, key_tasks.json")
    remind = sub.add_parser("remind", help="send today's reminder digests (once per recipient, record and day)")
    remind.add_argument("--today", type=date.fromisoformat, help="the day to plan for (default: today)")
    remind.add_argument("--dry-run", action="store_true", help="plan only: send and record nothing")
    remind.add_argument("--json", action="store_true", help="print the plan as JSON")
    args = parser.parse_args(argv)

    engine = _engine()
    if args.command == "migrate":
        print("schema up to date; reference data loaded")
        from db.commands.settings import refresh_estimates
        moved = refresh_estimates(engine, CLI_ACTOR, always=True)
        if moved:
            print(f"{moved} estimated due dates recomputed with the calendar as it is now")
        _gather_statistics(engine)
        return 0
    if args.command == "remind":
        return _remind(engine, args)
    if args.command == "add-district":
        return _add_district(engine, args)
    if args.command == "create-city-account":
        actor, role, where = CLI_CITY_ACTOR, args.role, districts.scoped(engine, districts.ALL)
    else:
        district = districts.by_code(engine, args.district)
        if district is None:
            print(f"refused: no district with the code {args.district!r}", file=sys.stderr)
            return 2
        actor, role, where = CLI_ACTOR, "admin", districts.scoped(engine, district)
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("Password: ")
    try:
        CreateUser(actor, username=args.username, display_name=args.display_name, password=password,
                   role=role, unit_id=None).run(where)
    except CommandError as exc:
        details = "; ".join(f"{field}: {msg}" for field, msg in exc.field_errors.items())
        print(f"refused: {exc.message} {details}", file=sys.stderr)
        return 2
    print(f"{role} account '{args.username}' created")
    return 0


def _add_district(engine, args) -> int:
    from db.commands.districts import add_district
    try:
        district_id, loaded = add_district(engine, CLI_CITY_ACTOR, args.code, args.name, args.source)
    except ValueError as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    except CommandError as exc:
        details = "; ".join(f"{field}: {msg}" for field, msg in exc.field_errors.items())
        print(f"refused: {exc.message} {details}", file=sys.stderr)
        return 2
    print(f"district {args.code} ({args.name}) ready: {loaded} reference rows loaded")
    return 0


def _remind(engine, args) -> int:
    from core.clock import today
    from jobs.remind import run
    planned, failed = {}, False
    for district, scoped in districts.each(engine):
        report = run(scoped, args.today or today(), dry_run=args.dry_run)
        planned[district["code"]] = report.planned
        failed = failed or bool(report.failed)
        if not args.json:
            print(f"{district['name']}: {report.outcome}")
    if args.json:
        print(json.dumps(planned if len(planned) > 1 else next(iter(planned.values()), []), ensure_ascii=False,
                         indent=2))
    if not args.dry_run and not gathers_statistics_itself(engine):  # once a day
        _gather_statistics(engine)
    return 0 if not failed else 1


def _gather_statistics(engine) -> None:
    """The planner's statistics; a database too busy for them now is not a failure of the command."""
    from sqlalchemy.exc import OperationalError
    try:
        gather_statistics(engine)
    except OperationalError as exc:
        print(f"warning: the planner's statistics were not gathered ({exc.orig}); the next run will",
              file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
