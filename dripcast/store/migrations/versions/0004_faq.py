"""faq: comments read from the channels (with decision and answer) and a cursor per channel

Revision ID: 0004_faq
Revises: 0003_lifecycle
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_faq"
down_revision = "0003_lifecycle"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("brand", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("network", sa.String(length=16), nullable=False),
        sa.Column("external_id", sa.String(length=512), nullable=False),
        sa.Column("parent", sa.String(length=512), nullable=True),
        sa.Column("thread", sa.String(length=512), nullable=False),
        sa.Column("conversation", sa.String(length=512), nullable=False),
        sa.Column("author", sa.String(length=320), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("post_url", sa.Text(), nullable=True),
        sa.Column("reply_to", sa.JSON(), nullable=False),
        sa.Column("own", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=True),
        sa.Column("faq", sa.String(length=64), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("reply_text", sa.Text(), nullable=True),
        sa.Column("reply_by", sa.String(length=320), nullable=True),
        sa.Column("remote", sa.JSON(), nullable=False),
        sa.Column("reply_external_id", sa.String(length=512), nullable=True),
        sa.Column("reply_url", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("retry_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("comments", schema=None) as b:
        b.create_index("ix_comments_unique", ["brand", "channel", "external_id"], unique=True)
        b.create_index("ix_comments_status", ["status"], unique=False)
        b.create_index("ix_comments_conversation", ["brand", "channel", "conversation"])
        b.create_index("ix_comments_reply", ["brand", "channel", "reply_external_id"])
        b.create_index("ix_comments_brand_seen", ["brand", "seen_at"])
    op.create_table(
        "comment_cursors",
        sa.Column("brand", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("cursor", sa.JSON(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("brand", "channel"),
    )


def downgrade() -> None:
    op.drop_table("comment_cursors")
    op.drop_table("comments")
