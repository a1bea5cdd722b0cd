"""The `dripcast` command. `root` defines the group; the other modules add commands to it."""

from dripcast.cli import faq, mail, queue, report, web
from dripcast.cli.root import main

__all__ = ["faq", "mail", "main", "queue", "report", "web"]
