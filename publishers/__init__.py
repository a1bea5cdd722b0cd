"""One module per network behind `dripcast.core.publisher.Publisher`, registered explicitly."""

from __future__ import annotations

from publishers.registry import REGISTRY, make_publisher

__all__ = ["REGISTRY", "make_publisher"]
