"""Databases for the record tests: a SQLite file, and a fresh database on the machine's
PostgreSQL server (127.0.0.1:5432, or ``LAUNCHWATCH_TEST_POSTGRES``), dropped afterwards."""

import os
import uuid
from contextlib import contextmanager

import psycopg

POSTGRES = os.environ.get("LAUNCHWATCH_TEST_POSTGRES", "postgres@127.0.0.1:5432")


@contextmanager
def postgres_database():
    """Yield the SQLAlchemy URL of a new, empty PostgreSQL database; drop it at the end."""
    name = f"launchwatch_test_{uuid.uuid4().hex[:12]}"
    user, host = POSTGRES.split("@")
    admin = f"postgresql://{user}@{host}/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://{user}@{host}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def database(kind, tmp_path):
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'record.sqlite'}"
    else:
        with postgres_database() as url:
            yield url
