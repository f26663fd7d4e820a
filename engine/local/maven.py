"""Resolving a Java artifact and its runtime dependencies from Maven Central with Maven.

The embedded default needs two artifacts: the Neo4j server (``org.neo4j:neo4j``) and
Neo4j Browser (``org.neo4j.client:neo4j-browser``). Both are resolved the same way:
a throw-away ``pom.xml`` naming the artifact, ``maven-dependency-plugin``'s
``copy-dependencies`` into a temporary folder, and a rename into place only when
Maven succeeded, so a failed download leaves nothing half-written behind.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from engine.errors import DownloadError
from engine.local.host import find_maven

DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Artifact:
    """A Maven coordinate and the name users know it by (for messages)."""

    group: str
    artifact: str
    version: str
    title: str

    @property
    def coordinate(self) -> str:
        return f"{self.group}:{self.artifact}"


@dataclass(frozen=True)
class MavenCache:
    """Where resolved artifacts and Maven's own repository cache live."""

    home: Path
    """``$SWITCHBOARD_HOME``; Maven's repository cache is ``<home>/maven-repository``."""
    mirror: str | None = None
    """A Maven repository URL used instead of Maven Central."""
    java_home: str | None = None


def resolve_artifact(
    artifact: Artifact, target: Path, cache: MavenCache, progress: Progress
) -> None:
    """Copy ``artifact`` and its runtime dependencies into the folder ``target``.

    ``target`` is replaced only on success; a temporary ``resolve-*`` folder next to it
    is removed either way. Raises :class:`MavenNotFoundError` or :class:`DownloadError`.
    """
    mvn = find_maven()
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="resolve-", dir=target.parent))
    try:
        (work / "pom.xml").write_text(_pom(artifact))
        cmd = [
            str(mvn),
            "-B",
            "-f",
            str(work / "pom.xml"),
            f"-Dmaven.repo.local={cache.home / 'maven-repository'}",
            f"{DEPENDENCY_PLUGIN}:copy-dependencies",
            "-DincludeScope=runtime",
            f"-DoutputDirectory={work / 'lib'}",
        ]
        if cache.mirror:
            (work / "settings.xml").write_text(_settings_xml(cache.mirror))
            cmd[1:1] = ["-s", str(work / "settings.xml")]
        progress(
            f"resolving {artifact.title} {artifact.version} from Maven Central (first use only)"
        )
        lines = _run_maven(cmd, cache, artifact, progress)
        if not any((work / "lib").glob(f"{artifact.artifact}-*.jar")):
            raise _download_error(artifact, cache, lines)
        if target.exists():
            shutil.rmtree(target)
        (work / "lib").rename(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run_maven(
    cmd: list[str], cache: MavenCache, artifact: Artifact, progress: Progress
) -> list[str]:
    """Run Maven, reporting progress every 50 downloaded files; its output lines."""
    env = dict(os.environ)
    if cache.java_home:
        env["JAVA_HOME"] = cache.java_home
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    lines: list[str] = []
    downloaded = 0
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.append(line.rstrip())
        if "Downloaded from" in line:
            downloaded += 1
            if downloaded % 50 == 0:
                progress(f"resolving {artifact.title} {artifact.version}: {downloaded} files")
    if proc.wait() != 0:
        raise _download_error(artifact, cache, lines)
    return lines


def _download_error(artifact: Artifact, cache: MavenCache, lines: list[str]) -> DownloadError:
    errors = [line for line in lines if line.startswith("[ERROR]") and line[7:].strip()]
    detail = "\n".join((errors or lines)[:8])[:2000]
    where = cache.mirror or "Maven Central"
    return DownloadError(
        f"cannot download {artifact.title} {artifact.version} ({artifact.coordinate}) from "
        f"{where}; Maven said:\n{detail}",
        hint="check network access to Maven Central (or set SWITCHBOARD_MAVEN_REPOSITORY to "
        "a mirror); or set NEO4J_URI to an existing Neo4j server; or use Docker",
    )


def _pom(artifact: Artifact) -> str:
    return f"""<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>switchboard.local</groupId>
  <artifactId>{artifact.artifact}-resolution</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>{artifact.group}</groupId>
      <artifactId>{artifact.artifact}</artifactId>
      <version>{artifact.version}</version>
    </dependency>
  </dependencies>
</project>
"""


def _settings_xml(url: str) -> str:
    return f"""<settings>
  <mirrors>
    <mirror>
      <id>switchboard-mirror</id>
      <mirrorOf>*</mirrorOf>
      <url>{url}</url>
    </mirror>
  </mirrors>
</settings>
"""
