"""The test brands' deciders, built once from tests/data/faq/config.yaml (the probe files)."""

from __future__ import annotations

from pathlib import Path

from dripcast.core.config import load
from faq import Decider

CONFIG = load(Path(__file__).parent.parent / "data" / "faq" / "config.yaml")
BRANDS = {b.id: Decider(b.faq, brand=(b.id, b.name)) for b in CONFIG.brands if b.faq is not None}
BAKERY, BIKES, SALON, YOGA = "solsikke", "egerne", "kroelle", "aandedraet"
FLORIST, TATTOO = "vildblomst", "blaek"


def decide(brand: str, text: str) -> tuple[str, str | None, str]:
    """What the brand's decider does with one comment: action, FAQ id, reason."""
    got = BRANDS[brand].decide_text(text)
    return got.action, got.faq, got.reason
