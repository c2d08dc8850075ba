"""Districts on one database: every read and write is scoped to one district, in one place.

A district's rows carry `district_id` (models.InDistrict). Which district a piece of code works in
is an execution option of the engine it is given, set by `scoped(engine, district_id)`:

- every ORM SELECT, UPDATE and DELETE run through a session of that engine gets the criterion
  `district_id = <district>` on every district-owned table it names, subqueries included
  (`_scope`, installed on the session factory by db.engine), so a query cannot forget it;
- every INSERT into a district-owned table takes that district as its `district_id` default
  (`insert_default`), whether the row comes from a flush, an ORM bulk insert or a Core insert.

An engine with no district works while the database holds exactly one district (every single-
district deployment, and the tests): that district is used. Once there are two, such an engine
refuses (`DistrictRequired`), so code that forgot to choose never reads across districts.
`scoped(engine, ALL)` is the explicit choice of code that works across districts (sign-in,
the city roll-up, the daily job that goes through each district): it reads every district and
must name the district of each row it inserts.
"""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import ORMExecuteState, with_loader_criteria

OPTION = "district"  # the engine's execution option
ALL = "all"  # across districts (city code)
HOME = "qiaokou"  # 硚口区 (seed/district.json): the district this app was built for, whose plan is seed/
# The city layer (migration 0012): a row of `district` that is no district. Its holiday entries,
# deadline-rule overrides and 待办 thresholds hold in every district that has none of its own for
# that day, kind or setting (`layers`); a city admin edits them in an engine scoped to it. It is
# never listed as a district.
CITY = "_city"  # a code no district can have (db.commands.districts.CODE_RE starts with a letter)
_ONLY = "fjld_only_district"  # conn.info: the only district, found in this transaction


# the execution option of one statement that looks across districts (e.g. whether a user name is taken)
ACROSS = {OPTION: ALL}


class DistrictRequired(RuntimeError):
    """Code that did not choose a district ran on a database with several."""


def scoped(engine: Engine, district: int | str) -> Engine:
    """The engine working in one district (its id) or across all (ALL); one object per district,
    sharing the engine's pool, so sessions and caches made from it are kept."""
    base = root(engine)
    cache = base.__dict__.setdefault("_fjld_scoped", {})
    if district not in cache:
        option_engine = base.execution_options(**{OPTION: district})
        option_engine._fjld_root = base
        cache[district] = option_engine
    return cache[district]


def root(engine: Engine) -> Engine:
    """The engine before any district was chosen."""
    return getattr(engine, "_fjld_root", engine)


def district_of(engine: Engine) -> int | str | None:
    """The district an engine is scoped to: an id, ALL, or None (the only district)."""
    return engine.get_execution_options().get(OPTION)


def current(conn: Connection) -> int | str:
    """The district a connection works in: its engine's choice, or the database's only district."""
    chosen = conn.get_execution_options().get(OPTION)
    if chosen is not None:
        return chosen
    only = conn.info.get(_ONLY)
    if only is None:
        ids = conn.execute(_districts("id").limit(2)).scalars().all()
        if len(ids) != 1:
            raise DistrictRequired(f"the database holds {len(ids)} districts: choose one with db.districts.scoped")
        only = conn.info[_ONLY] = ids[0]
    return only


def _forget_only(conn: Connection) -> None:
    """A district may be added by another process: look again in the next transaction."""
    conn.info.pop(_ONLY, None)


def install_engine(engine: Engine) -> None:
    event.listen(engine, "commit", _forget_only)
    event.listen(engine, "rollback", _forget_only)


def insert_default(context) -> int:
    """`district_id` of a new row: the district its connection works in."""
    district = current(context.connection)
    if district == ALL:
        raise DistrictRequired("a row written across districts must name its district_id")
    return district


def _scope(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_column_load or state.is_relationship_load:
        return  # a row already loaded (in scope): its other columns or its related rows
    if state.execution_options.get(OPTION) == ALL:
        return  # one statement that must see every district (ACROSS: a user name is unique city-wide)
    district = current(state.session.connection())
    if district == ALL:
        return
    from db.models import InDistrict
    state.statement = state.statement.options(with_loader_criteria(
        InDistrict, lambda cls: cls.district_id == district, include_aliases=True))


def install_sessions(factory) -> None:
    event.listen(factory, "do_orm_execute", _scope)


def listed(engine: Engine) -> list[dict]:
    """Every district (id, code, name), in the order they were added."""
    with root(engine).connect() as conn:
        return [dict(r) for r in conn.execute(_districts("id", "code", "name")).mappings()]


def each(engine: Engine) -> list[tuple[dict, Engine]]:
    """Each district with the engine scoped to it: for work done district by district (the
    daily reminders, estimates the calendar moved)."""
    return [(d, scoped(engine, d["id"])) for d in listed(engine)]


def by_code(engine: Engine, code: str) -> int | None:
    return next((d["id"] for d in listed(engine) if d["code"] == code), None)


# -- the city layer ----------------------------------------------------------------------------

def city_id(engine_or_conn: Engine | Connection) -> int:
    """The id of the city layer's row (made by migration 0012; it never changes)."""
    from db.models import District
    base = root(engine_or_conn.engine)
    if "_fjld_city" not in base.__dict__:
        table = District.__table__
        query = select(table.c.id).where(table.c.code == CITY)
        if isinstance(engine_or_conn, Connection):
            found = engine_or_conn.execute(query).scalar_one()
        else:
            with base.connect() as conn:
                found = conn.execute(query).scalar_one()
        base.__dict__["_fjld_city"] = found
    return base.__dict__["_fjld_city"]


def city_layer(engine: Engine) -> Engine:
    """The engine in which a city admin edits the city's holiday entries and rule overrides."""
    return scoped(engine, city_id(engine))


def layers(session) -> tuple[int, ...]:
    """The districts whose keyed rows (holiday entries, rule overrides, thresholds) hold in the
    session's district, the last one winning: the city's, then the district's own; in the city
    layer, the city's alone. Across districts there is no answer: each district has its own."""
    conn = session.connection()
    city, district = city_id(conn), current(conn)
    if district == ALL:
        raise DistrictRequired("holidays, deadlines and thresholds are a district's: choose one")
    return (city,) if district == city else (city, district)


def in_city_layer(session) -> bool:
    conn = session.connection()
    return current(conn) == city_id(conn)


def district_ids(session) -> list[int]:
    """Every district's id (the city layer is none), read in the session's transaction."""
    return list(session.scalars(_districts("id")))


@contextmanager
def working_in(session, district: int):
    """Within a command's transaction, read and write `district`'s rows for a while (a change of
    the city layer recomputes each district's due dates in the same transaction). Rows pending
    are written before each switch, so that each takes the district it was made in."""
    session.flush()
    conn = session.connection()
    before = conn.get_execution_options().get(OPTION)
    conn.execution_options(**{OPTION: district})
    try:
        yield
        session.flush()
    finally:
        conn.execution_options(**{OPTION: before})


def _districts(*columns: str):
    """The districts' `columns`, in the order they were added; the city layer is none of them."""
    from db.models import District
    table = District.__table__
    return select(*(table.c[c] for c in columns)).where(table.c.code != CITY).order_by(table.c.id)
