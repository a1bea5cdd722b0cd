"""Outlook's `winmail.dat` (TNEF): the files and the plain body inside, via tnefparse."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class TnefContent:
    files: tuple[tuple[str, bytes], ...]  # (file name, data)
    body: str
    problem: str | None = None


def open_tnef(data: bytes, *, max_files: int) -> TnefContent:
    from tnefparse import TNEF  # only for a winmail.dat, rare: not loaded by every parse

    try:
        tnef = TNEF(data, do_checksum=False)
        files: list[tuple[str, bytes]] = []
        for att in tnef.attachments[:max_files]:
            payload = att.data if isinstance(att.data, bytes) else b""
            files.append((_name(att), payload))
        body = tnef.body if tnef.body else b""
        text = body.decode("cp1252", errors="replace") if isinstance(body, bytes) else str(body)
    except Exception:  # tnefparse raises ValueError, AssertionError, IndexError… on bad input
        return TnefContent(files=(), body="", problem="winmail.dat (TNEF) is not readable")
    return TnefContent(files=tuple(files), body=text.replace("\x00", ""))


def _name(att: object) -> str:
    try:
        name = att.long_filename()  # type: ignore[attr-defined]
    except Exception:
        name = ""
    if isinstance(name, bytes):
        name = name.decode("cp1252", errors="replace")
    if isinstance(name, list):
        name = "".join(str(n) for n in name)
    return str(name or "").replace("\x00", "").strip() or "winmail-attachment"
