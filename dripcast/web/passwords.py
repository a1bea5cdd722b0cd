"""Argon2 password hashes for `service.web.users`: made by `dripcast web-user`, checked at
login. Apart from the dashboard, so that `web-user` loads argon2 and nothing else."""

from __future__ import annotations

from argon2 import PasswordHasher

HASHER = PasswordHasher()
# Checked when the name is unknown, so a wrong name takes as long as a wrong password.
# A hash of a random password nobody kept, made once with HASHER's parameters (a test
# keeps them equal); making it at import cost every dashboard start one hash (~0.1 s).
DUMMY = "$argon2id$v=19$m=65536,t=3,p=4$FPpGYf13a0Ka8E6A5cT4rQ$0Pfz9Ll3Fi5/U7laH65Cvk1MgmMgOW/Z2LfcNGnfOgI"


def hash_password(password: str) -> str:
    return HASHER.hash(password)
