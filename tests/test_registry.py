"""Every network has a spec, a publisher, documentation and its own tests."""

from __future__ import annotations

from pathlib import Path

from dripcast.core.channels import CHANNEL_TYPES
from formatters.specs import SPECS
from publishers import REGISTRY

ROOT = Path(__file__).parent.parent


def test_every_channel_type_has_spec_publisher_and_tests() -> None:
    assert set(SPECS) == CHANNEL_TYPES
    assert set(REGISTRY) == CHANNEL_TYPES
    for network in CHANNEL_TYPES:
        tests = ROOT / "tests/publishers" / f"test_{network}.py"
        assert tests.exists(), f"{network} has no tests/publishers/test_{network}.py"


def test_every_channel_type_is_documented() -> None:
    spec = ROOT.parent / "shared/SPEC.md"
    readme = (ROOT / "README.md").read_text()
    for network in CHANNEL_TYPES:
        assert f"`{network}`" in readme, f"README does not document the {network} channel"
    if spec.exists():
        text = spec.read_text()
        assert all(f"| {n} |" in text for n in CHANNEL_TYPES)
