"""The rules, one function each, grouped by family; importing this package registers
them all in :data:`engine.validate.registry.RULES`, kept in id order (SB001-SB032)."""

from engine.validate.rules import (  # noqa: F401  (imported for their registrations)
    connections,
    deep,
    element_types,
    embedding,
    identity,
    registration,
    secrets,
    targets,
)
