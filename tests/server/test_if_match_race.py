"""Two clients update the same element with the same If-Match at the same moment, over a real
port: exactly one succeeds, the other gets 412, and nothing of the loser's change is stored."""

from __future__ import annotations

import threading

import httpx

from engine.graph import Store, find_element

ROUNDS = 5


def race(url: str, etag: str, descriptions: dict[str, str]) -> dict[str, int]:
    """PATCH the element ``c`` from one thread per writer, all released at once with the same
    ``If-Match``; the status each writer got."""
    barrier = threading.Barrier(len(descriptions))
    statuses: dict[str, int] = {}

    def update(writer: str) -> None:
        with httpx.Client(base_url=url) as http:
            barrier.wait()
            response = http.patch(
                "/api/v1/elements/c",
                json={"description": descriptions[writer]},
                headers={"If-Match": etag},
            )
            statuses[writer] = response.status_code

    threads = [threading.Thread(target=update, args=(w,)) for w in descriptions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return statuses


def test_exactly_one_of_two_updates_with_the_same_if_match_wins(
    live_url: str, store: Store
) -> None:
    created = httpx.post(
        f"{live_url}/api/v1/elements",
        json={"typeName": "IntegrationConnector", "qualifiedName": "c"},
    )
    assert created.status_code == 201
    for round_ in range(ROUNDS):
        etag = httpx.get(f"{live_url}/api/v1/elements/c").headers["etag"]
        descriptions = {writer: f"{writer} {round_}" for writer in ("left", "right")}
        statuses = race(live_url, etag, descriptions)
        assert sorted(statuses.values()) == [200, 412], statuses
        winner = next(w for w, status in statuses.items() if status == 200)
        stored = find_element(store, "c")
        assert stored is not None
        assert stored.version == int(etag.strip('"')) + 1
        assert stored.element.description == descriptions[winner]
