"""The store turns the driver's exceptions into typed engine.errors ones (no Neo4j needed)."""

from __future__ import annotations

import pytest
from neo4j import exceptions as neo4j_exc

from engine import (
    ConflictError,
    ConstraintViolation,
    StoreError,
    StoreTransientError,
    StoreUnavailableError,
)
from engine.graph import translate_errors

CONSTRAINT = "Neo.ClientError.Schema.ConstraintValidationFailed"


def _raised(exc: Exception) -> StoreError:
    with pytest.raises(StoreError) as caught, translate_errors("apply"):
        raise exc
    return caught.value


def test_a_broken_uniqueness_constraint_is_a_constraint_violation() -> None:
    error = _raised(neo4j_exc.ConstraintError._hydrate_neo4j(code=CONSTRAINT, message="exists"))
    assert type(error) is ConstraintViolation and isinstance(error, ConflictError)
    assert error.code == CONSTRAINT
    assert error.classification == "ClientError"
    assert error.gql_status
    assert error.message == f"apply: {CONSTRAINT}: exists"
    assert not error.is_retryable()


def test_transient_errors_stay_distinguishable() -> None:
    code = "Neo.TransientError.Transaction.DeadlockDetected"
    error = _raised(neo4j_exc.TransientError._hydrate_neo4j(code=code, message="deadlock"))
    assert type(error) is StoreTransientError and error.is_retryable()
    assert error.code == code and error.classification == "TransientError"
    unavailable = _raised(neo4j_exc.ServiceUnavailable("down"))
    assert type(unavailable) is StoreUnavailableError and unavailable.is_retryable()


def test_other_server_errors_are_plain_store_errors() -> None:
    code = "Neo.ClientError.Statement.SyntaxError"
    error = _raised(neo4j_exc.CypherSyntaxError._hydrate_neo4j(code=code, message="bad"))
    assert type(error) is StoreError and not error.is_retryable()
    assert error.code == code
