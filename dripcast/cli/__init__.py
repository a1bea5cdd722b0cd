"""The `dripcast` command. `root` defines the group; the other modules add commands to it."""

from dripcast.cli import mail, queue, report, web
from dripcast.cli.root import main

__all__ = ["mail", "main", "queue", "report", "web"]
