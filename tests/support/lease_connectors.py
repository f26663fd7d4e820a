"""A blocking connector for the daemon cluster tests (runs inside ``switchboard daemon run``).

While it runs it appends a record every ``every`` seconds through the daemon's fenced
metadata writer: an Asset named ``lease.record.<key>.<epoch>.<seq>.<daemon id>``. When a
write is refused because the lease is no longer this daemon's, it stops.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from engine import LeaseLostError, StoreError
from engine.daemon import CataloguedElement, ConnectorProvider, IntegrationConnectorBase

RECORD_PREFIX = "lease.record."


def record_name(key: str, epoch: int, seq: int, daemon_id: str) -> str:
    return f"{RECORD_PREFIX}{key}.{epoch}.{seq}.{daemon_id}"


def parse_record(qualified_name: str) -> tuple[str, int, int, str]:
    """(connector key, epoch, seq, daemon id) of a record's qualifiedName."""
    key, epoch, seq, daemon_id = qualified_name[len(RECORD_PREFIX) :].split(".", 3)
    return key, int(epoch), int(seq), daemon_id


class RecordingConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str
    every: float = 2.0


class RecordingConnector(IntegrationConnectorBase):
    def engage(self) -> None:
        cfg = self.context.configuration
        assert isinstance(cfg, RecordingConfig)
        writer = self.context.writer
        fence = writer.fence
        daemon_id, epoch = (fence.daemon_id, fence.epoch) if fence else ("unfenced", 0)
        seq = 0
        while not self.context.stop_event.is_set():
            try:
                writer.upsert(
                    [CataloguedElement("Asset", record_name(cfg.key, epoch, seq, daemon_id))]
                )
            except LeaseLostError:
                return
            except StoreError:
                pass  # Neo4j away for a while: try again at the next beat
            seq += 1
            self.context.stop_event.wait(cfg.every)


class RecordingProvider(ConnectorProvider):
    connector_class = RecordingConnector
    configuration_schema = RecordingConfig
    blocking = True
    description = "cluster test connector: appends fenced records"
