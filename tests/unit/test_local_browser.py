"""Neo4j Browser on the embedded default without a server: the HTTP switch, the connector's
settings, the library guide's HTML and the instance's Browser jar with the guide in it."""

from __future__ import annotations

import re
import zipfile
from html import unescape
from pathlib import Path

import pytest

from engine.local import (
    GUIDE_PATH,
    HTTP_SWITCH,
    BrowserBundle,
    LocalNeo4j,
    guide_url,
    http_enabled_from_env,
    http_settings,
)
from engine.statements import GUIDE_TITLE, LibraryQuery, Parameter, guide_html, library

QUERY_NAME = re.compile(r'data-query-name="([^"]+)"')


@pytest.mark.parametrize("value", ["off", "OFF", "false", "no", "0", " off "])
def test_http_is_switched_off_by_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(HTTP_SWITCH, value)
    assert not http_enabled_from_env()
    assert not LocalNeo4j(instance="x").http
    assert LocalNeo4j(instance="x", http=True).http


@pytest.mark.parametrize("value", [None, "on", "true", "1"])
def test_http_is_on_by_default(monkeypatch: pytest.MonkeyPatch, value: str | None) -> None:
    if value is None:
        monkeypatch.delenv(HTTP_SWITCH, raising=False)
    else:
        monkeypatch.setenv(HTTP_SWITCH, value)
    assert http_enabled_from_env()
    assert LocalNeo4j(instance="x").http
    assert not LocalNeo4j(instance="x", http=False).http


def test_http_connector_listens_on_loopback_and_opens_the_guide() -> None:
    settings = http_settings(7474)
    assert settings["server.http.enabled"] == "true"
    assert settings["server.http.listen_address"] == "127.0.0.1:7474"
    assert "127.0.0.1" in settings["browser.remote_content_hostname_whitelist"].split(",")
    assert settings["browser.post_connect_cmd"] == f"play {guide_url(7474)}"
    assert guide_url(7474) == f"http://127.0.0.1:7474/browser/{GUIDE_PATH}"


def test_guide_lists_every_library_query_in_order_with_its_statement() -> None:
    queries = library()
    html = guide_html(queries)
    assert QUERY_NAME.findall(html) == [q.name for q in queries]
    assert GUIDE_TITLE in unescape(html)
    for query in queries:
        section = html.split(f'data-query-name="{query.name}"', 1)[1].split("</section>", 1)[0]
        statement = unescape(section.split('class="runnable library-statement">', 1)[1])
        assert not statement.startswith("//"), "the header comment is not part of the statement"
        assert statement.split("</pre>", 1)[0].strip() in query.text
        for parameter in query.parameters:
            assert f"${parameter.name}" in section


def test_guide_escapes_text_and_gives_example_parameters() -> None:
    query = LibraryQuery(
        name="odd",
        description="finds <script>alert(1)</script> & more",
        parameters=(
            Parameter("since", "datetime", "a time"),
            Parameter("n", "int", "how many"),
            Parameter("names", "list<string>", "which ones"),
            Parameter("flag", "bool", "whether"),
        ),
        returns="x",
        text="// Library: analysts\n// finds\nRETURN $n AS x\n",
    )
    html = guide_html([query])
    assert "<script>" not in html
    assert "finds &lt;script&gt;" in html
    assert (
        ":params {since: '2026-01-31T00:00:00Z', n: 5, names: ['a', 'b'], flag: true}"
        in unescape(html)
    )
    assert 'class="runnable library-statement">RETURN $n AS x</pre>' in html


def test_each_instance_gets_browser_jar_with_the_current_guide(tmp_path: Path) -> None:
    bundle = BrowserBundle(tmp_path / "home", version="9.9.9")
    bundle.cached_jar.parent.mkdir(parents=True)
    with zipfile.ZipFile(bundle.cached_jar, "w") as jar:
        jar.writestr("browser/index.html", "<html>browser</html>")
    instance = tmp_path / "instance"
    for guide in ("<article>first</article>", "<article>second</article>"):
        folder = bundle.install_for(instance, guide)
        assert [p.name for p in folder.iterdir()] == ["neo4j-browser-9.9.9.jar"]
        with zipfile.ZipFile(folder / "neo4j-browser-9.9.9.jar") as jar:
            assert jar.read("browser/index.html") == b"<html>browser</html>"
            assert jar.read(f"browser/{GUIDE_PATH}").decode() == guide
            assert len(jar.namelist()) == 2
    with zipfile.ZipFile(bundle.cached_jar) as cached:
        assert cached.namelist() == ["browser/index.html"], "the cached jar stays as resolved"
