"""nodes: claims name their node (messages, posts), and channel credentials live here

Several `serve` nodes share one database: a node releases only its own claims
at start, and refreshed tokens are shared (encrypted) instead of per-node files.

Revision ID: 0006_nodes
Revises: 0005_mail
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_nodes"
down_revision = "0005_mail"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("messages", "posts"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("claimed_by", sa.String(length=64), nullable=True))
    op.create_table(
        "credentials",
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    # Raw messages move into the blob store under spool/; older rows keep a bare file
    # name, which the pipeline still reads from service.spool_dir.


def downgrade() -> None:
    op.drop_table("credentials")
    for table in ("messages", "posts"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("claimed_by")
