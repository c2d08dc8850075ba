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

CITY_DEMO_DISTRICTS = ({"code": "demo_jia", "name": "示例甲区", "short": "示例甲", "doc": "示甲政", "seed": 1101},
                       {"code": "demo_yi", "name": "示例乙区", "short": "示例乙", "doc": "示乙政", "seed": 2202})
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


def create_city_demo(engine: Engine, *, scale: int = 1) -> dict[str, dict[str, int]]:
    """Add the fictional districts with their plans and data (once), and the city demo accounts."""
    from db import districts
    from db.commands.districts import add_district
    from seed.demo import generate_demo
    generated = {}
    for district in CITY_DEMO_DISTRICTS:
        with tempfile.TemporaryDirectory() as tmp:
            district_id, _ = add_district(engine, CITY_DEMO_ACTOR, district["code"], district["name"],
                                          fictional_plan(district, Path(tmp)))
        generated[district["code"]] = generate_demo(districts.scoped(engine, district_id), scale=scale,
                                                    seed=district["seed"])
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
