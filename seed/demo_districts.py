"""The city demo (FJLD_DEMO=city): two clearly fictional districts, 示例甲区 and 示例乙区, each with
a plan made from this repository's plan (seed/) with every place and person name replaced by an
obviously invented one (示例…, 王某), a year of generated data, and a city convener account."""
from __future__ import annotations

import csv
import json
import random
import tempfile
from pathlib import Path

from sqlalchemy.engine import Engine

from core.permissions import CITY_ADMIN, CITY_CONVENER, Actor
from seed.reference import REFERENCE_FILES, SEED_DIR, UNIT_COLUMNS

_STEMS = (("jia", "甲"), ("yi", "乙"), ("bing", "丙"), ("ding", "丁"), ("wu", "戊"), ("ji", "己"), ("geng", "庚"),
          ("xin", "辛"), ("ren", "壬"), ("gui", "癸"), ("zi", "子"), ("chou", "丑"))


def fictional_district(n: int) -> dict:
    """The n-th invented district (0: 示例甲区, 1: 示例乙区 …; twelve in all)."""
    code, stem = _STEMS[n]
    return {"code": f"demo_{code}", "name": f"示例{stem}区", "short": f"示例{stem}", "doc": f"示{stem}政",
            "seed": 1101 * (n + 1)}


CITY_DEMO_DISTRICTS = (fictional_district(0), fictional_district(1))
CITY_DEMO_ACCOUNTS: tuple[dict, ...] = (
    {"username": "city", "password": "Demo-city-2025", "role": CITY_CONVENER,
     "display_name": "演示市级召集人", "unit_code": None},
)
CITY_DEMO_ACTOR = Actor(user_id=None, username="system", role=CITY_ADMIN)
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def fictional_plan(district: dict, target: Path) -> Path:
    """Write the district's invented plan into `target` (the four files of seed/)."""
    rng = random.Random(district["seed"])
    short = district["short"]

    def renamed(text: str) -> str:
        return text.replace("硚政", district["doc"]).replace("硚口", short)

    def person() -> str:
        return rng.choice(_SURNAMES) + "某"

    with (SEED_DIR / "units.csv").open(encoding="utf-8") as f:
        units = list(csv.DictReader(f))
    streets = 0
    for unit in units:
        if unit["category"] == "subdistrict":
            streets += 1
            unit["name"] = f"{short}第{'一二三四五六七八九十'[streets - 1] if streets <= 10 else streets}街道办事处"
        unit["leader_name"] = person()
        unit["aliases"] = ""  # the real district's full names would not fit an invented one
    with (target / "units.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(UNIT_COLUMNS))
        writer.writeheader()
        writer.writerows(units)
    people = json.loads((SEED_DIR / "leadership.json").read_text(encoding="utf-8"))
    people["source"] = renamed(people["source"]) + "(示例,虚构)"
    people["document"] = {**people["document"], "number": renamed(people["document"]["number"]),
                          "title": renamed(people["document"]["title"]) + "(示例)"}
    for leader in people["leaders"]:
        leader["name"] = person()
    people["office"] = {**people["office"], "director": person(), "members": [person(), person()],
                        "phone": "027-00000000", "email": f"{district['code']}@example.invalid"}
    for name, value in (("leadership.json", people),
                        ("mechanisms.json", json.loads((SEED_DIR / "mechanisms.json").read_text(encoding="utf-8"))),
                        ("key_tasks.json", json.loads(renamed((SEED_DIR / "key_tasks.json").read_text(encoding="utf-8"))))):
        (target / name).write_text(json.dumps(value, ensure_ascii=False, indent=1), encoding="utf-8")
    assert all((target / n).is_file() for n in REFERENCE_FILES)
    return target


def create_city_demo(engine: Engine, *, scale: int = 1, count: int = len(CITY_DEMO_DISTRICTS),
                     today=None) -> dict[str, dict[str, int]]:
    """Add `count` fictional districts (the city demo's two by default; up to twelve for the
    benchmark) with their plans and data (once), and the city demo accounts."""
    from db import districts
    from db.commands.districts import add_district
    from seed.demo import generate_demo
    generated = {}
    for district in (fictional_district(n) for n in range(count)):
        with tempfile.TemporaryDirectory() as tmp:
            district_id, _ = add_district(engine, CITY_DEMO_ACTOR, district["code"], district["name"],
                                          fictional_plan(district, Path(tmp)))
        generated[district["code"]] = generate_demo(districts.scoped(engine, district_id), scale=scale,
                                                    today=today, seed=district["seed"])
    create_city_accounts(engine)
    return generated


def create_city_accounts(engine: Engine) -> int:
    from sqlalchemy import select

    from db import districts
    from db.commands.users import CreateUser
    from db.engine import read_session
    from db.models import User
    with read_session(districts.scoped(engine, districts.ALL)) as session:
        existing = set(session.scalars(select(User.username)))
    created = 0
    for account in CITY_DEMO_ACCOUNTS:
        if account["username"] not in existing:
            CreateUser(CITY_DEMO_ACTOR, username=account["username"], display_name=account["display_name"],
                       password=account["password"], role=account["role"], unit_id=None,
                       is_demo=True).run(districts.scoped(engine, districts.ALL))
            created += 1
    return created
