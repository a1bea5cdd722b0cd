"""FAQ monitoring's decider: pure functions from a comment to answer / escalate / ignore."""

from faq.decide import Decider

__all__ = ["Decider"]
