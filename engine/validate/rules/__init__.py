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
from engine.validate.rules.common import as_map, is_blank
from engine.validate.rules.secrets import (
    SECRET_PROPERTIES,
    SECRETS_COLLECTION,
    is_secret_reference,
    is_secrets_store_connector_type,
)

__all__ = [
    "SECRETS_COLLECTION",
    "SECRET_PROPERTIES",
    "as_map",
    "is_blank",
    "is_secret_reference",
    "is_secrets_store_connector_type",
]
