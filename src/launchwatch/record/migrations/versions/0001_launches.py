"""The reported launches and the calendar of public events.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "launches",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("date_utc", sa.Date, nullable=False),
        sa.Column("time_utc", sa.String(5), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("site", sa.String(200), nullable=False),
        sa.Column("lat", sa.Float, nullable=True),
        sa.Column("lon", sa.Float, nullable=True),
        sa.Column("count", sa.Integer, nullable=True),
        sa.Column("range_km", sa.Float, nullable=True),
        sa.Column("apogee_km", sa.Float, nullable=True),
        sa.Column("flight_time_s", sa.Float, nullable=True),
        sa.Column("eez", sa.String(40), nullable=False),
        sa.Column("overflight_japan", sa.String(10), nullable=False),
        sa.Column("source_url_or_title", sa.Text, nullable=False),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("dataset", sa.String(200), nullable=False),
        sa.UniqueConstraint("date_utc", "time_utc", "site", "name", name="uq_launch"),
    )
    op.create_index("ix_launches_date_utc", "launches", ["date_utc"])
    op.create_index("ix_launches_type", "launches", ["type"])
    op.create_table(
        "context_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("date_utc", sa.Date, nullable=False),
        sa.Column("end_date_utc", sa.Date, nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("countries", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.UniqueConstraint("date_utc", "kind", "description", name="uq_context"),
    )
    op.create_index("ix_context_events_date_utc", "context_events", ["date_utc"])


def downgrade() -> None:
    op.drop_table("context_events")
    op.drop_table("launches")
