"""Assessed events (measured values) and claims from public reports.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("event_key", sa.String(80), nullable=False, unique=True),
        sa.Column("launch_id", sa.Integer, sa.ForeignKey("launches.id"), nullable=True),
        sa.Column("launch_time", sa.DateTime, nullable=False),
        sa.Column("launch_time_sigma_s", sa.Float, nullable=False),
        sa.Column("launch_lat", sa.Float, nullable=False),
        sa.Column("launch_lon", sa.Float, nullable=False),
        sa.Column("launch_sigma_km", sa.Float, nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("range_km", sa.Float, nullable=False),
        sa.Column("range_sigma_km", sa.Float, nullable=False),
        sa.Column("apogee_km", sa.Float, nullable=False),
        sa.Column("apogee_sigma_km", sa.Float, nullable=False),
        sa.Column("flight_time_s", sa.Float, nullable=False),
        sa.Column("flight_time_sigma_s", sa.Float, nullable=False),
        sa.Column("shape", sa.String(40), nullable=False),
        sa.Column("class_by_range", sa.String(10), nullable=False),
        sa.Column("capability_km", sa.Float, nullable=True),
        sa.Column("class_by_capability", sa.String(10), nullable=False),
        sa.Column("impact_lat", sa.Float, nullable=False),
        sa.Column("impact_lon", sa.Float, nullable=False),
        sa.Column("impact_semi_major_km", sa.Float, nullable=False),
        sa.Column("impact_semi_minor_km", sa.Float, nullable=False),
        sa.Column("impact_orientation_deg", sa.Float, nullable=False),
        sa.Column("impact_zone", sa.String(200), nullable=False),
        sa.Column("sea", sa.String(80), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("model_version", sa.String(40), nullable=False),
    )
    op.create_index("ix_assessments_launch_id", "assessments", ["launch_id"])
    op.create_index("ix_assessments_launch_time", "assessments", ["launch_time"])
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("launch_id", sa.Integer, sa.ForeignKey("launches.id"), nullable=True),
        sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id"), nullable=True),
        sa.Column("report", sa.String(300), nullable=False),
        sa.Column("report_date", sa.Date, nullable=False),
        sa.Column("field", sa.String(40), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("number", sa.Float, nullable=True),
        sa.Column("qualifier", sa.String(40), nullable=False),
        sa.Column("sentence", sa.Text, nullable=False),
    )
    op.create_index("ix_claims_launch_id", "claims", ["launch_id"])
    op.create_index("ix_claims_assessment_id", "claims", ["assessment_id"])


def downgrade() -> None:
    op.drop_table("claims")
    op.drop_table("assessments")
