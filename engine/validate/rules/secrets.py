"""Rules 13-14 of SPEC §3: secrets stores and secret references (SB025-SB027)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from typing import Any

from engine.typesystem import CATALOG_TARGET, CONNECTION_CONNECTOR_TYPE, EMBEDDED_CONNECTION
from engine.validate.context import Context
from engine.validate.findings import Hit
from engine.validate.registry import rule
from engine.validate.rules.common import as_map, is_blank

SECRET_PROPERTIES = ("clearPassword", "encryptedPassword")
SECRETS_COLLECTION = "secretsCollectionName"
_SECRET_PROPERTY_NAMES = frozenset(("securedProperties", *SECRET_PROPERTIES))
_SECRET_KEY = re.compile(
    r"(password|passwd|passphrase|secret|clientsecret|token|apikey|privatekey|credentials?)$",
    re.IGNORECASE,
)
_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def normalised(value: Any) -> str:
    """``value`` in lower case without anything but letters and digits ("" for None)."""
    return _NOT_ALNUM.sub("", str(value).lower()) if value is not None else ""


def is_secrets_store_connector_type(
    properties: Mapping[str, Any], qualified_name: str = ""
) -> bool:
    """Whether a connector type describes a secrets store (Egeria style).

    Recognised by "secretsstore" (ignoring case, spaces and punctuation) in its
    provider class name, supported deployed implementation type, display name
    or qualifiedName, e.g. Egeria's ``YAMLSecretsStoreProvider``.
    """
    fields = (
        properties.get("connectorProviderClassName"),
        properties.get("supportedDeployedImplementationType"),
        properties.get("displayName"),
        qualified_name,
    )
    return any("secretsstore" in normalised(value) for value in fields)


def is_secret_reference(value: Any, purposes: set[str]) -> bool:
    """Whether ``value`` is env:NAME, file:PATH, PURPOSE or PURPOSE:NAME (one of ``purposes``)."""
    if not isinstance(value, str):
        return False
    if value.startswith("env:"):
        return len(value) > 4
    if value.startswith("file:"):
        return len(value) > 5
    return value.partition(":")[0] in purposes


def _secret_references(props: Mapping[str, Any]) -> list[tuple[str, Any]]:
    refs = [
        (f"securedProperties.{k}", v) for k, v in as_map(props.get("securedProperties")).items()
    ]
    refs.extend((name, props[name]) for name in SECRET_PROPERTIES if props.get(name) is not None)
    return refs


def _purposes(ctx: Context, conn: str) -> set[str]:
    """displayNames of connections embedded in ``conn`` or in any connection embedding it."""
    purposes: set[str] = set()
    seen = {conn}
    stack = [conn]
    while stack:
        node = stack.pop()
        for _, _, data in ctx.out[EMBEDDED_CONNECTION].get(node, ()):
            name = data["properties"].get("displayName")
            if isinstance(name, str) and name:
                purposes.add(name)
        for parent, _, _ in ctx.inn[EMBEDDED_CONNECTION].get(node, ()):
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return purposes


def _secrets_store_embeddings(ctx: Context) -> list[tuple[str, str, dict[str, Any], bool, bool]]:
    """(parent, child, edge data, child has a secrets-store type, child has any type) of each
    embedding that is meant as a secrets store (computed once per validation)."""
    cached = ctx.cache.get("secrets_store_embeddings")
    if cached is None:
        cached = list(_find_secrets_store_embeddings(ctx))
        ctx.cache["secrets_store_embeddings"] = cached
    return cached


def _find_secrets_store_embeddings(
    ctx: Context,
) -> Iterator[tuple[str, str, dict[str, Any], bool, bool]]:
    out_types = ctx.out[CONNECTION_CONNECTOR_TYPE]
    store_types: dict[str, bool] = {}
    for parent, edges in ctx.out[EMBEDDED_CONNECTION].items():
        parent_props = ctx.props(parent)
        purposes_used: set[str] = set()
        if not _SECRET_PROPERTY_NAMES.isdisjoint(parent_props):
            purposes_used = {
                ref.partition(":")[0]
                for _, ref in _secret_references(parent_props)
                if isinstance(ref, str)
            }
        for child, _, data in edges:
            types = [ct for ct, _, _ in out_types.get(child, ())]
            store_type = False
            for ct in types:
                known = store_types.get(ct)
                if known is None:
                    known = store_types[ct] = is_secrets_store_connector_type(
                        ctx.props(ct), ctx.name(ct)
                    )
                store_type = store_type or known
            config = ctx.props(child).get("configurationProperties")
            purpose = data["properties"].get("displayName")
            meant = (
                store_type
                or (isinstance(config, Mapping) and SECRETS_COLLECTION in config)
                or (bool(purposes_used) and purpose in purposes_used)
            )
            if meant:
                yield parent, child, data, store_type, bool(types)


@rule(
    "SB025",
    "error",
    "Secrets-store connection without a secrets-store connector type",
    spec="§3 rule 13",
)
def _secrets_store_type(ctx: Context) -> Iterator[Hit]:
    """An embedded connection used as a secrets store (a secret reference names its
    purpose, or it has secretsCollectionName) must have a secrets-store connector type,
    or the daemon cannot open the store."""
    for parent, child, data, store_type, has_type in _secrets_store_embeddings(ctx):
        if has_type and not store_type:
            yield Hit(
                f"{ctx.name(child)}, embedded in {ctx.name(parent)} as secrets store "
                f"'{data['properties'].get('displayName')}', has no secrets-store connector type",
                "link it to a secrets-store ConnectorType (e.g. a YAML secrets store provider)",
                (ctx.name(parent), ctx.name(child)),
                (parent,),
                relationship=data["guid"],
            )


@rule("SB026", "error", "Secrets-store connection without secretsCollectionName", spec="§3 rule 13")
def _secrets_collection(ctx: Context) -> Iterator[Hit]:
    """A secrets-store connection says which collection of the store to read in
    configurationProperties.secretsCollectionName."""
    for parent, child, data, _, _ in _secrets_store_embeddings(ctx):
        config = as_map(ctx.props(child).get("configurationProperties"))
        if is_blank(config.get(SECRETS_COLLECTION)):
            yield Hit(
                f"secrets-store connection {ctx.name(child)} (embedded in {ctx.name(parent)}) "
                f"has no configurationProperties.{SECRETS_COLLECTION}",
                f"set configurationProperties.{SECRETS_COLLECTION} to the store's collection name",
                (ctx.name(parent), ctx.name(child)),
                (parent,),
                relationship=data["guid"],
            )


@rule("SB027", "error", "Plaintext secret stored in the graph", spec="§3 rule 14, §5")
def _plaintext_secrets(ctx: Context) -> Iterator[Hit]:
    """The graph holds secret references only: env:NAME, file:PATH, or the purpose of an
    embedded secrets-store connection (PURPOSE or PURPOSE:NAME). securedProperties,
    clearPassword and encryptedPassword must hold such a reference, and so must any map
    entry whose key names a secret (password, token, apiKey...). The value is never shown."""
    yield from _plaintext_in_elements(ctx)
    yield from _plaintext_in_relationships(ctx)


def _plaintext_in_elements(ctx: Context) -> Iterator[Hit]:
    for key, data in ctx.nodes.items():
        props = data["properties"]
        if not props:
            continue
        if (
            _SECRET_PROPERTY_NAMES.isdisjoint(props)
            and not _has_secret_key(props.get("configurationProperties"))
            and not _has_secret_key(props.get("additionalProperties"))
        ):
            continue  # nothing below could find an entry
        entries: list[tuple[str, Any]] = []
        connection = ctx.is_connection(key)
        if connection:
            entries.extend(_secret_references(props))
            entries.extend(_secret_keyed(props, "configurationProperties"))
        entries.extend(_secret_keyed(props, "additionalProperties"))
        entries = [
            (name, value) for name, value in entries if not is_secret_reference(value, set())
        ]
        if not entries:
            continue
        purposes = _purposes(ctx, key) if connection else set()
        bad = sorted(name for name, value in entries if not is_secret_reference(value, purposes))
        if bad:
            yield Hit(
                f"{data['typeName']} {ctx.name(key)} stores {', '.join(bad)} as a value, not a "
                "secret reference",
                "replace each value with env:NAME, file:PATH or the purpose of an embedded "
                "secrets-store connection, and rotate the exposed secret",
                (ctx.name(key),),
                (key,),
            )


def _plaintext_in_relationships(ctx: Context) -> Iterator[Hit]:
    for kind, rel_type, map_name in (
        ("catalog target", CATALOG_TARGET, "configurationProperties"),
        ("embedded connection", EMBEDDED_CONNECTION, "arguments"),
    ):
        for u, v, _, data in ctx.edges[rel_type]:
            if not _has_secret_key(data["properties"].get(map_name)):
                continue
            entries = _secret_keyed(data["properties"], map_name)
            bad = sorted(name for name, value in entries if not is_secret_reference(value, set()))
            if bad:
                yield Hit(
                    f"{kind} {ctx.name(u)} -> {ctx.name(v)} stores {', '.join(bad)} as a value, "
                    "not a secret reference",
                    "replace each value with env:NAME or file:PATH, and rotate the exposed secret",
                    (ctx.name(u), ctx.name(v)),
                    (u,),
                    relationship=data["guid"],
                )


@functools.lru_cache(maxsize=4096)
def _is_secret_key(key: str) -> bool:
    return key != SECRETS_COLLECTION and _SECRET_KEY.search(normalised(key)) is not None


_SECRET_KEY_MEMO: dict[str, bool] = {}


def _has_secret_key(value: Any) -> bool:
    """Whether a map has a string key :func:`_is_secret_key` accepts (memoised per key:
    called for every map of the graph)."""
    if not value or (type(value) is not dict and not isinstance(value, Mapping)):
        return False
    memo = _SECRET_KEY_MEMO
    for key in value:
        found = memo.get(key) if type(key) is str else False
        if found is None:
            if len(memo) > 100_000:
                memo.clear()
            found = memo[key] = _is_secret_key(key)
        if found:
            return True
    return False


def _secret_keyed(props: Mapping[str, Any], map_name: str) -> list[tuple[str, Any]]:
    value = props.get(map_name)
    if not isinstance(value, Mapping):
        return []
    return [
        (f"{map_name}.{k}", v)
        for k, v in value.items()
        if isinstance(v, str) and isinstance(k, str) and _is_secret_key(k)
    ]
