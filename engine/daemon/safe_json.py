"""JSON responses of the control API with every known secret value masked."""

from __future__ import annotations

import json
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel

from engine.providers.secrets import redact


def safe(document: Any, status_code: int = 200) -> JSONResponse:
    """A JSON response with every known secret value masked (a status model is sent as
    its JSON document)."""
    if isinstance(document, BaseModel):
        document = document.model_dump(by_alias=True)
    text = redact(json.dumps(document, default=str))
    return JSONResponse(json.loads(text), status_code=status_code)
