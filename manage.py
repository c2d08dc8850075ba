"""Command-line administration, for production set-up on a shared database.

    python manage.py migrate            # bring the schema up to date and load the reference data
    python manage.py create-admin USERNAME --display-name 姓名   # password read from the terminal
                                        # (or from standard input with --password-stdin)
    python manage.py remind [--today YYYY-MM-DD] [--dry-run] [--json]   # the daily 催办 digests

DATABASE_URL (environment or .streamlit/secrets.toml) chooses the database."""
from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import date

from core.config import load_settings
from core.permissions import Actor
from db.commands.base import CommandError
from db.commands.users import CreateUser
from db.engine import make_engine, migrate
from seed.reference import load_reference

# The first admin is created by whoever can run commands on the server: recorded as "cli".
CLI_ACTOR = Actor(user_id=None, username="cli", role="admin")


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
    remind = sub.add_parser("remind", help="send today's reminder digests (once per recipient, record and day)")
    remind.add_argument("--today", type=date.fromisoformat, help="the day to plan for (default: today)")
    remind.add_argument("--dry-run", action="store_true", help="plan only: send and record nothing")
    remind.add_argument("--json", action="store_true", help="print the plan as JSON")
    args = parser.parse_args(argv)

    engine = _engine()
    if args.command == "migrate":
        print("schema up to date; reference data loaded")
        from db.commands.settings import refresh_estimates
        moved = refresh_estimates(engine, CLI_ACTOR)
        if moved:
            print(f"{moved} estimated due dates recomputed with the calendar as it is now")
        return 0
    if args.command == "remind":
        return _remind(engine, args)
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("Password: ")
    try:
        CreateUser(CLI_ACTOR, username=args.username, display_name=args.display_name, password=password,
                   role="admin", unit_id=None).run(engine)
    except CommandError as exc:
        details = "; ".join(f"{field}: {msg}" for field, msg in exc.field_errors.items())
        print(f"refused: {exc.message} {details}", file=sys.stderr)
        return 2
    print(f"admin account '{args.username}' created")
    return 0


def _remind(engine, args) -> int:
    from core.clock import today
    from jobs.remind import run
    report = run(engine, args.today or today(), dry_run=args.dry_run)
    if args.json:
        print(json.dumps(report.planned, ensure_ascii=False, indent=2))
    else:
        print(report.outcome)
    return 0 if not report.failed else 1


if __name__ == "__main__":
    sys.exit(main())
