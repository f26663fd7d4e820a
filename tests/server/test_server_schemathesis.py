"""schemathesis against the native API's published OpenAPI document, positive and negative:
no server error anywhere, and every refused request leaves the database as it was."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from engine.graph import Store
from engine.server import create_server_app
from tests.server.conftest import open_options
from tests.server.worked_example import MANIFEST
from tests.support.egeria_helpers import dump


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_schemathesis_finds_no_server_error_and_refusals_write_nothing(
    store: Store, mode: GenerationMode
) -> None:
    app = create_server_app(store, open_options())
    seeded = TestClient(app).post(
        "/api/v1/apply", content=MANIFEST, headers={"content-type": "application/yaml"}
    )
    assert seeded.status_code == 200
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [
        operation
        for operation in (result.ok() for result in schema.get_all_operations())
        if operation.path.startswith("/api/v1")
    ]
    assert len(operations) >= 14
    refused: list[int] = []
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=12,
            derandomize=True,
            database=None,
            deadline=None,
            phases=(Phase.explicit, Phase.generate),
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            before = dump(store)
            response = case.call()
            assert response.status_code < 500, (case.method, case.path, response.text)
            if response.status_code >= 400:
                refused.append(response.status_code)
                assert dump(store) == before, (case.method, case.formatted_path, response.text)

        try:
            check()
        except Unsatisfiable:
            # no invalid input exists for an operation without parameters or body
            assert mode == GenerationMode.NEGATIVE
    assert refused, "no request was refused: the run checked nothing about refusals"
