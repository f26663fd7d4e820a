"""The type catalogue's enumeration values and the pydantic enums agree (no Neo4j needed)."""

from __future__ import annotations

from engine import (
    DEFAULT_DELETE_METHOD,
    DEFAULT_PERMITTED_SYNCHRONIZATION,
    CatalogTargetView,
    DeleteMethod,
    PermittedSynchronization,
    typesystem,
)


def test_enumerations_match_the_catalogue() -> None:
    assert tuple(PermittedSynchronization) == typesystem.PERMITTED_SYNCHRONIZATIONS
    assert tuple(DeleteMethod) == typesystem.DELETE_METHODS
    assert DEFAULT_PERMITTED_SYNCHRONIZATION == typesystem.DEFAULT_PERMITTED_SYNCHRONIZATION
    assert DEFAULT_DELETE_METHOD == typesystem.DEFAULT_DELETE_METHOD


def test_resolved_target_defaults_to_the_catalogue_synchronisation() -> None:
    field = CatalogTargetView.model_fields["effectivePermittedSynchronization"]
    assert field.default == typesystem.DEFAULT_PERMITTED_SYNCHRONIZATION
