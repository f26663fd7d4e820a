"""``switchboard daemon run`` as a real process for system tests: started with the test's
environment, its log kept in a file, its control API address read from the start message."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
START_LINE = re.compile(r"control API and status page on (http://\S+/)")


class DaemonRun:
    """One daemon process; :meth:`wait_ready` returns the address its control API announced."""

    def __init__(self, args: Sequence[str], env: dict[str, str], log_path: Path) -> None:
        self.log_path = log_path
        switchboard = Path(sys.executable).with_name("switchboard")
        with log_path.open("w") as log:
            self.proc = subprocess.Popen(
                [str(switchboard), "daemon", "run", *args],
                cwd=ROOT,
                env={**env, "PYTHONPATH": str(ROOT)},
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, timeout: float = 120.0) -> str:
        """The announced URL (e.g. ``http://0.0.0.0:40123/``), once the API serves."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = START_LINE.search(self.log())
            if found:
                return found.group(1)
            code = self.proc.poll()
            assert code is None, f"the daemon exited with {code}:\n{self.log()}"
            time.sleep(0.1)
        raise AssertionError(f"the daemon did not announce its control API:\n{self.log()}")

    def stop(self) -> int:
        """SIGTERM, then the exit code (killed, and the test failed, if it does not stop)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=30)
            raise AssertionError(f"the daemon did not stop on SIGTERM:\n{self.log()}") from None
