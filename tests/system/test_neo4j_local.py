"""The embedded-default server: start, stop, idempotence, crash recovery, errors.

These tests start their own instances (sharing the session's downloaded
jars), so they run real Java processes and take a while. One instance
(``<test instance>-lifecycle``) serves the lifecycle tests: each test brings it to the
state it starts from (stopped, or running) instead of stopping it after every test, so
a test that needs a running server does not pay for a start of its own.
"""

from __future__ import annotations

import os
import socket
import stat
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j import GraphDatabase

from engine import (
    DownloadError,
    JavaNotFoundError,
    JavaVersionError,
    MavenNotFoundError,
    PortInUseError,
    ServerStartError,
)
from engine.local import LocalNeo4j, find_java
from tests.support.reliability_helpers import TEST_SERVER_CONF, instance_name

pytestmark = pytest.mark.lifecycle


@pytest.fixture(scope="module")
def installed_home() -> Path:
    """The session's SWITCHBOARD_HOME, with Neo4j downloaded once."""
    local = LocalNeo4j(instance=instance_name("lifecycle"))
    local.ensure_installed()
    return local.home


@pytest.fixture(scope="module")
def lifecycle_instance(installed_home: Path) -> Iterator[LocalNeo4j]:
    """The lifecycle tests' instance, stopped once all of them ran. It stops in under a
    second (TEST_SERVER_CONF) rather than after Bolt's two 5 s quiet periods."""
    local = LocalNeo4j(
        home=installed_home, instance=instance_name("lifecycle"), extra_conf=TEST_SERVER_CONF
    )
    yield local
    local.stop()


@pytest.fixture
def lifecycle(lifecycle_instance: LocalNeo4j) -> LocalNeo4j:
    """The lifecycle instance, stopped."""
    lifecycle_instance.stop()
    return lifecycle_instance


@pytest.fixture
def running(lifecycle_instance: LocalNeo4j) -> LocalNeo4j:
    """The lifecycle instance, running (started if it was not)."""
    lifecycle_instance.start()
    return lifecycle_instance


def answers_cypher(local: LocalNeo4j) -> int:
    with GraphDatabase.driver(local.uri, auth=("neo4j", local.password())) as driver:
        records, _, _ = driver.execute_query("RETURN 41 + 1 AS n")
        return int(records[0]["n"])


@pytest.mark.timeout(600)
def test_start_is_idempotent_and_stop_stops(lifecycle: LocalNeo4j) -> None:
    began = time.monotonic()
    first = lifecycle.start()
    assert 0 < first.seconds <= time.monotonic() - began + 0.1  # the ready time is reported
    assert os.path.exists(lifecycle.console_log)
    assert first.uri.startswith("bolt://127.0.0.1:")
    assert not first.already_running
    assert answers_cypher(lifecycle) == 42

    again = lifecycle.start()
    assert again.already_running
    assert again.pid == first.pid and again.uri == first.uri

    assert lifecycle.stop() is True
    status = lifecycle.status()
    assert not status.running and not status.stale and status.uri is None
    assert lifecycle.stop() is False

    second = lifecycle.start()
    assert not second.downloaded
    assert not second.already_running
    print(f"\nrestart after stop took {second.seconds:.1f} s", file=sys.stderr)
    assert answers_cypher(lifecycle) == 42


@pytest.mark.timeout(600)
def test_password_file_is_private_and_auth_is_on(running: LocalNeo4j) -> None:
    mode = stat.S_IMODE(running.password_file.stat().st_mode)
    assert mode == 0o600
    with (
        GraphDatabase.driver(running.uri, auth=("neo4j", "wrong-password")) as driver,
        pytest.raises(Exception, match=r"(?i)unauthorized|authentication"),
    ):
        driver.verify_connectivity()


@pytest.mark.timeout(600)
def test_crashed_instance_is_detected_and_restarted(running: LocalNeo4j) -> None:
    running.kill()
    status = running.status()
    assert status.stale and not status.running
    result = running.start()
    assert result.recovered_stale
    assert answers_cypher(running) == 42


def test_no_java_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(JavaNotFoundError, match="no Java runtime found") as info:
        find_java()
    assert info.value.hint and "NEO4J_URI" in info.value.hint


def test_java_home_pointing_nowhere(tmp_path: Path) -> None:
    local = LocalNeo4j(home=tmp_path, instance="x", java_home=str(tmp_path / "nojava"))
    with pytest.raises(JavaNotFoundError, match="JAVA_HOME"):
        local.start()


def fake_java(folder: Path, version: str) -> Path:
    bin_dir = folder / "bin"
    bin_dir.mkdir(parents=True)
    java = bin_dir / "java"
    java.write_text(f"#!/bin/sh\necho 'openjdk version \"{version}\" 2018-10-16' >&2\n")
    java.chmod(0o755)
    return folder


def test_unsupported_java_version(tmp_path: Path) -> None:
    home = fake_java(tmp_path / "jdk11", "11.0.2")
    with pytest.raises(JavaVersionError, match=r"Java 17 or 21.*11\.0\.2"):
        find_java(str(home))


def test_no_maven(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    java = find_java()
    only_java = tmp_path / "bin"
    only_java.mkdir()
    (only_java / "java").symlink_to(java.executable.resolve())
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(only_java))
    local = LocalNeo4j(home=tmp_path / "home", instance="x")
    with pytest.raises(MavenNotFoundError, match="Maven") as info:
        local.start()
    assert info.value.hint and "NEO4J_URI" in info.value.hint


@pytest.mark.timeout(300)
def test_maven_central_unreachable_leaves_nothing_behind(tmp_path: Path) -> None:
    local = LocalNeo4j(
        home=tmp_path / "home", instance="x", maven_repository="http://127.0.0.1:9/maven2"
    )
    with pytest.raises(DownloadError, match="cannot download Neo4j") as info:
        local.start()
    assert info.value.hint and "NEO4J_URI" in info.value.hint and "Docker" in info.value.hint
    assert not local.installed
    assert not local.lib_dir.exists()
    assert not any(local.dist_dir.glob("resolve-*"))


def test_port_taken(installed_home: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        local = LocalNeo4j(home=installed_home, instance=instance_name("port"), port=port)
        with pytest.raises(PortInUseError, match=f"port {port}"):
            local.start()
        assert not local.status().running


@pytest.mark.timeout(300)
def test_server_that_fails_to_start_shows_its_log(installed_home: Path) -> None:
    local = LocalNeo4j(
        home=installed_home,
        instance=instance_name("broken"),
        extra_conf={"server.bolt.listen_address": "203.0.113.1:7999"},
    )
    try:
        with pytest.raises(ServerStartError, match="exited with code") as info:
            local.start(timeout=120)
        assert "last lines" in info.value.message
        assert "203.0.113.1" in info.value.message
        assert not local.status().running
    finally:
        local.stop()


def test_default_port_is_used_when_free_else_another(installed_home: Path) -> None:
    local = LocalNeo4j(home=installed_home, instance=instance_name("port-choice"))
    chosen = local._choose_port()
    assert chosen > 0
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", 7687))
        except OSError:
            assert chosen != 7687
            return
        sock.listen()
        assert local._choose_port() != 7687


def test_generated_passwords_never_look_like_options() -> None:
    from engine.local import generate_password

    passwords = {generate_password() for _ in range(2000)}
    assert len(passwords) == 2000
    assert not any(p.startswith("-") for p in passwords)
