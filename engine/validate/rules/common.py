"""Small value tests the rules of several families share."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def is_blank(value: Any) -> bool:
    """None, or a string of blanks only."""
    return value is None or (isinstance(value, str) and not value.strip())


def as_map(value: Any) -> dict[str, Any]:
    """A copy of ``value`` when it is a mapping, else an empty dict."""
    return dict(value) if isinstance(value, Mapping) else {}
