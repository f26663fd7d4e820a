"""Rules 9-11 of SPEC §3: embedded connections (SB017-SB021)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence

from engine.typesystem import EMBEDDED_CONNECTION
from engine.validate.context import Context, Edge
from engine.validate.findings import Hit
from engine.validate.registry import rule


@rule("SB017", "error", "VirtualConnection embeds nothing", spec="§3 rule 9")
def _virtual_empty(ctx: Context) -> Iterator[Hit]:
    """A VirtualConnection exists to hold embedded connections; an empty one gives its
    connector nothing to delegate to."""
    embeds = ctx.out[EMBEDDED_CONNECTION]
    for key in ctx.virtual:
        if not embeds.get(key):
            yield Hit(
                f"virtual connection {ctx.name(key)} embeds no connection",
                "embed at least one connection with EmbeddedConnection, or make it a plain Connection",
                (ctx.name(key),),
                (key,),
            )


@rule("SB018", "error", "Plain Connection embeds connections", spec="§3 rule 9")
def _plain_embeds(ctx: Context) -> Iterator[Hit]:
    """Only a VirtualConnection embeds connections; a plain Connection's connector never
    sees them."""
    for key, edges in ctx.out[EMBEDDED_CONNECTION].items():
        if ctx.is_connection(key) and not ctx.is_virtual(key):
            children = sorted({ctx.name(v) for v, _, _ in edges})
            yield Hit(
                f"connection {ctx.name(key)} is not a VirtualConnection but embeds "
                f"{', '.join(children)}",
                "make it a VirtualConnection, or remove the EmbeddedConnection links",
                (ctx.name(key), *children),
                (key,),
            )


@rule("SB019", "error", "EmbeddedConnection cycle", spec="§3 rule 10")
def _embedding_cycles(ctx: Context) -> Iterator[Hit]:
    """Connections cannot embed themselves, directly or through others: building the
    connector would never end. One cycle is shown per strongly connected set, members
    in embedding order starting from the smallest qualifiedName."""
    embedded = ctx.edges[EMBEDDED_CONNECTION]
    # a connection on a cycle both embeds and is embedded: prune the others and hand
    # networkx only what is left (nothing, in a graph without cycles)
    candidates = _embedding_and_embedded(embedded)
    if not candidates:
        return
    import networkx as nx  # only for a graph with cycles left

    dg = nx.DiGraph()
    edge_guid: dict[tuple[str, str], str | None] = {}
    for u, v, _, data in embedded:
        if u in candidates and v in candidates:
            dg.add_edge(u, v)
            edge_guid.setdefault((u, v), data["guid"])
    for component in nx.strongly_connected_components(dg):
        if len(component) == 1:
            (only,) = component
            if not dg.has_edge(only, only):
                continue
            cycle = [only]
        else:
            start = min(component, key=ctx.name)
            sub = dg.subgraph(component)
            # shortest path back to start from one of its successors: a simple cycle
            best: list[str] | None = None
            for succ in sorted(sub.successors(start), key=ctx.name):
                path = nx.shortest_path(sub, succ, start)
                if best is None or len(path) < len(best):
                    best = path
            assert best is not None
            cycle = [start, *best[:-1]]
        names = tuple(ctx.name(n) for n in cycle)
        ring = " -> ".join((*names, names[0]))
        yield Hit(
            (
                f"connection {names[0]} embeds itself"
                if len(cycle) == 1
                else f"embedding cycle of {len(cycle)} connections: {ring}"
            )
            + (
                f" ({len(component)} connections are caught in it)"
                if len(component) > len(cycle)
                else ""
            ),
            "remove one EmbeddedConnection of the cycle",
            names,
            tuple(cycle),
            relationship=edge_guid.get((cycle[-1], cycle[0])),
        )


_QUICK_ROUNDS = 4
"""Set-based pruning rounds before the linear peel (they settle shallow graphs fastest)."""


def _embedding_and_embedded(edges: Sequence[Edge]) -> set[str]:
    """The largest set of connections each of which embeds and is embedded by one of the
    set: every cycle lies within it. A few whole-set rounds settle the usual shallow
    embeddings; what they leave is peeled one connection at a time (linear in a chain)."""
    candidates = {u for u, _, _, _ in edges}
    for _ in range(_QUICK_ROUNDS):
        links = [(u, v) for u, v, _, _ in edges if u in candidates and v in candidates]
        kept = {v for _, v in links} & {u for u, _ in links}
        if kept == candidates:
            return candidates
        candidates = kept
    return _peeled([(u, v) for u, v, _, _ in edges if u in candidates and v in candidates])


def _peeled(links: Sequence[tuple[str, str]]) -> set[str]:
    """The nodes of ``links`` left after repeatedly removing those without a link in or
    out (counting down their neighbours' links)."""
    ins: dict[str, int] = defaultdict(int)
    outs: dict[str, int] = defaultdict(int)
    parents: dict[str, list[str]] = defaultdict(list)
    children: dict[str, list[str]] = defaultdict(list)
    for u, v in links:
        outs[u] += 1
        ins[v] += 1
        children[u].append(v)
        parents[v].append(u)
    alive = set(outs) | set(ins)
    doomed = [n for n in alive if not ins[n] or not outs[n]]
    while doomed:
        node = doomed.pop()
        if node not in alive:
            continue
        alive.discard(node)
        for child in children.get(node, ()):
            ins[child] -= 1
            if child in alive and not ins[child]:
                doomed.append(child)
        for parent in parents.get(node, ()):
            outs[parent] -= 1
            if parent in alive and not outs[parent]:
                doomed.append(parent)
    return alive


@rule(
    "SB020", "error", "Connection embedded twice in the same parent", spec="§2 EmbeddedConnection"
)
def _embedded_twice(ctx: Context) -> Iterator[Hit]:
    """EmbeddedConnection allows one link per (parent, child) pair."""
    for parent, edges in ctx.out[EMBEDDED_CONNECTION].items():
        counts: dict[str, list[str]] = defaultdict(list)
        for child, key, data in edges:
            counts[child].append(str(data["guid"] or key))
        for child, keys in counts.items():
            if len(keys) > 1:
                yield Hit(
                    f"{ctx.name(parent)} embeds {ctx.name(child)} {len(keys)} times "
                    f"(relationships {', '.join(sorted(keys))})",
                    "keep one EmbeddedConnection between them",
                    (ctx.name(parent), ctx.name(child)),
                    (parent,),
                )


@rule("SB021", "error", "EmbeddedConnection position negative or repeated", spec="§3 rule 11")
def _positions(ctx: Context) -> Iterator[Hit]:
    """position orders embedded connections: >= 0, 0 = unset, and each position > 0 is
    used once within one parent."""
    for parent, edges in ctx.out[EMBEDDED_CONNECTION].items():
        by_position: dict[int, list[str]] = defaultdict(list)
        for child, _, data in edges:
            position = data["properties"].get("position") or 0
            if not isinstance(position, int) or position < 0:
                yield Hit(
                    f"{ctx.name(parent)} embeds {ctx.name(child)} at position {position!r}",
                    "use a position >= 0 (0 = unordered)",
                    (ctx.name(parent), ctx.name(child)),
                    (parent,),
                    relationship=data["guid"],
                )
            elif position > 0:
                by_position[position].append(child)
        for position, children in sorted(by_position.items()):
            if len(children) > 1:
                names = sorted(ctx.name(c) for c in children)
                yield Hit(
                    f"{ctx.name(parent)} embeds {', '.join(names)} all at position {position}",
                    "give each embedded connection its own position (or 0)",
                    (ctx.name(parent), *names),
                    (parent,),
                )
