"""``switchboard serve``: the metadata server (native REST API and Egeria's view services)."""

from __future__ import annotations

import click

from cli._common import err_console, handle_errors, store


@click.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to bind. Beyond loopback the server needs --users (tokens) or "
    "--insecure-no-token.",
)
@click.option("--port", type=click.IntRange(0, 65535), default=7448, show_default=True)
@click.option(
    "--users",
    "users_file",
    type=click.Path(dir_okay=False),
    help="YAML/JSON file of users and password hashes; every path then needs a bearer "
    "token from POST /api/token.",
)
@click.option(
    "--server-name",
    default="switchboard",
    show_default=True,
    help="The serverName Egeria's paths answer to (/servers/NAME/api/open-metadata/...).",
)
@click.option(
    "--insecure-no-token",
    is_flag=True,
    help="Serve beyond loopback without tokens (anyone who can reach it can write).",
)
@click.option(
    "--hash-password",
    is_flag=True,
    help="Ask for a password, print its hash for a users file, and exit.",
)
@handle_errors
def serve_cmd(
    host: str,
    port: int,
    users_file: str | None,
    server_name: str,
    insecure_no_token: bool,
    hash_password: bool,
) -> None:
    """Serve the graph over REST: a native API and Egeria's view-service paths.

    Native API under /api/v1: groups (listed, resolved), elements (get, create, PUT to
    replace, PATCH to merge, delete; ETag = version, If-Match answered 412 when stale),
    relationships, apply (manifest YAML or JSON in the body), validate, library queries,
    export and import. Egeria's Connection Maker, Asset Maker and catalog-target paths under
    /servers/NAME/api/open-metadata/{connection-maker|asset-maker|automated-curation}.
    Bad input is answered 400/422 with the message and hint the CLI prints, and nothing is
    written. OpenAPI at /openapi.json, browsable at /docs.

    \b
    Examples:
      switchboard serve                               # http://127.0.0.1:7448/docs
      switchboard serve --hash-password               # a line for a users file
      switchboard serve --host 0.0.0.0 --users users.yaml
      curl -X POST localhost:7448/api/v1/apply -H 'content-type: application/yaml' \\
           --data-binary @examples/files-group.yaml
    """
    from engine.server import hash_password as make_hash

    if hash_password:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True, err=True)
        click.echo(make_hash(password))
        return
    from engine.server import ServerOptions, create_server_app, serve, server_auth

    auth = server_auth(host, users_file, insecure_no_token=insecure_no_token)
    app = create_server_app(store(), ServerOptions(auth=auth, server_name=server_name))
    err_console.print(f"serving on http://{host}:{port} (OpenAPI at /docs); {auth.notice}")
    serve(app, host, port)
