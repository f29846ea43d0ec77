"""Opening the launch record: a URL, the migrations, and the shipped public data.

``open_record(None)`` opens (and creates) the SQLite file ``launchwatch-record.sqlite`` in the
working directory, or the URL in ``LAUNCHWATCH_RECORD`` when it is set;
``open_record("postgresql+psycopg://user@host/db")`` a PostgreSQL database. Either way the
schema is brought to the newest migration (Alembic, ``record/migrations``), and a record with
no launches is filled with the shipped public data (``data/nk_launches.csv``,
``data/context_events.csv``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from launchwatch.errors import InputError
from launchwatch.record.schema import Launch

__all__ = ["DEFAULT_URL", "Record", "head_revision", "migrate", "open_record"]

DEFAULT_URL = "sqlite:///launchwatch-record.sqlite"
SHIPPED_LAUNCHES = "nk_launches.csv"
SHIPPED_CONTEXT = "context_events.csv"


@dataclass
class Record:
    engine: Engine
    url: str

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits when the block ends normally and rolls back otherwise."""
        with Session(self.engine, expire_on_commit=False) as s:
            try:
                yield s
                s.commit()
            except BaseException:
                s.rollback()
                raise

    def revision(self) -> str | None:
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def close(self) -> None:
        self.engine.dispose()


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", "launchwatch.record:migrations")
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package ships its migrations
        raise RuntimeError("no migrations found in launchwatch.record.migrations")
    return head


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the database to ``revision`` (``head``, or ``base`` to remove every table)."""
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        current = MigrationContext.configure(conn).get_current_revision()
        if revision == "base":
            command.downgrade(cfg, "base")
        elif current != (head_revision() if revision == "head" else revision):
            command.upgrade(cfg, revision)


def _engine(url: str) -> Engine:
    hint = "use sqlite:///FILE or postgresql+psycopg://USER@HOST:PORT/DB"
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError as exc:
        raise InputError("--record", f"not a database URL: {url!r} ({hint})") from exc
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise InputError("--record", f"only SQLite and PostgreSQL are supported, got {url!r}")
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")  # the driver launchwatch installs
    try:
        engine = sa.create_engine(parsed)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as exc:
        raise InputError("--record", f"cannot use {url!r}: {exc} ({hint})") from exc
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_foreign_keys)
    return engine


def _sqlite_foreign_keys(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def open_record(url: str | None = None, *, seed: bool = True) -> Record:
    """Open the record at ``url`` (see the module docstring), migrated to the newest schema."""
    url = url or os.environ.get("LAUNCHWATCH_RECORD") or DEFAULT_URL
    engine = _engine(url)
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        parent = Path(str(engine.url.database)).parent
        if not parent.is_dir():
            raise InputError("--record", f"folder {parent} does not exist")
    try:
        migrate(engine)
    except sa.exc.OperationalError as exc:
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise InputError("--record", f"cannot open {url!r}: {reason}") from exc
    record = Record(engine, url)
    if seed:
        with record.session() as s:
            empty = s.scalar(sa.select(sa.func.count()).select_from(Launch)) == 0
        if empty:
            from launchwatch.record.importing import import_context_events, import_launches

            data = resources.files("launchwatch") / "data"
            with resources.as_file(data / SHIPPED_LAUNCHES) as path:
                import_launches(record, path, dataset=f"{SHIPPED_LAUNCHES} (shipped)")
            with resources.as_file(data / SHIPPED_CONTEXT) as path:
                import_context_events(record, path)
    return record
