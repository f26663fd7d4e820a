"""A separate process that applies manifests or imports an archive, printing its progress.

``python -m tests.support.crash_worker apply|import FILE...`` against the server in NEO4J_URI
(NEO4J_USERNAME/NEO4J_PASSWORD). Each progress step prints ``progress <stage> <done>
<total>`` (flushed) while the operation's single transaction is still open, so a test can
kill the server in the middle of it. Prints ``done`` after the commit.
"""

from __future__ import annotations

import sys

from engine import Neo4jSettings
from engine.declare import manifest as mf
from engine.declare.egeria import import_archive, read_archive
from engine.graph import Store


def report(stage: str, done: int, total: int) -> None:
    print(f"progress {stage} {done} {total}", flush=True)


def main(argv: list[str]) -> int:
    operation, paths = argv[0], argv[1:]
    store = Store.connect(Neo4jSettings.from_env())
    try:
        if operation == "apply":
            mf.apply(store, paths, progress=report)
        else:
            for path in paths:
                import_archive(store, read_archive(path), progress=report)
    finally:
        store.close()
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
