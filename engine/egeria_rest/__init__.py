"""Egeria's REST conventions, shared by every Switchboard service that answers Egeria's paths.

:func:`ffdc_envelope` builds a response in Egeria's envelope (``FFDCResponseBase``),
successful or carrying an :class:`EgeriaRequestError` with its :class:`EgeriaMessage`;
:func:`egeria_time` and :func:`without_empty` are the JSON conventions of Egeria's beans.
"""

from engine.egeria_rest.ffdc import (
    INVALID_PARAMETER_EXCEPTION,
    PROPERTY_SERVER_EXCEPTION,
    EgeriaMessage,
    EgeriaRequestError,
    egeria_time,
    ffdc_envelope,
    without_empty,
)

__all__ = [
    "INVALID_PARAMETER_EXCEPTION",
    "PROPERTY_SERVER_EXCEPTION",
    "EgeriaMessage",
    "EgeriaRequestError",
    "egeria_time",
    "ffdc_envelope",
    "without_empty",
]
