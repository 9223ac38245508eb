# mypy: disable-error-code="import-not-found,import-untyped", allow-subclassing-any
# (this script runs in the peers' venv: urllib3, requests and bravado are not in ours)
"""Per-call overhead of four clients for one request, run as a script in the peers' venv.

    python percall.py --spec callbench.yaml --ours DIR --theirs DIR --calls N

Every client runs all of its own code for `GET /namespaces/default/items` with five query
parameters; only the layer that would open a socket is replaced by an in-process fake that
returns the same pre-encoded 100-item page:

- ours and hand-written httpx + pydantic: `httpx.MockTransport` (the httpx transport);
- the floor (no client at all, see `floor`): the same transport, called directly;
- OpenAPI Generator: a urllib3 `PoolManager` whose connection pools answer `urlopen` themselves;
- bravado: its default `RequestsClient`, with a requests adapter that answers `send` itself.

Prints one JSON object: client -> microseconds per call (median, mean, p90) and the calls timed.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import io
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

BASE_URL = "https://bench.invalid/v1"
ARGUMENTS: dict[str, Any] = {
    "limit": 100,
    "label_selector": "app=web,tier!=cache",
    "field_selector": "status.phase=Running",
    "resource_version": "4242",
    "timeout_seconds": 30,
}
EXPECTED_QUERY = {
    "limit": "100",
    "labelSelector": "app=web,tier!=cache",
    "fieldSelector": "status.phase=Running",
    "resourceVersion": "4242",
    "timeoutSeconds": "30",
}
HEADERS = {"Content-Type": "application/json"}


def page(size: int = 100) -> bytes:
    items = [
        {
            "id": n,
            "name": f"web-{n:04d}",
            "namespace": "default",
            "createdAt": "2024-05-01T12:00:00Z",
            "ready": n % 3 != 0,
            "restarts": n % 5,
            "cpu": 0.125 * n,
            "phase": "Running",
            "labels": {"app": "web", "tier": "frontend"},
            "ports": [80, 443],
            "owner": {"kind": "ReplicaSet", "name": "web-7d9f8", "uid": f"0000-{n:04d}"},
        }
        for n in range(size)
    ]
    return json.dumps({"items": items, "resourceVersion": "4242"}).encode()


BODY = page()  # --items replaces it before any client is built
SEEN: list[str] = []  # the URL of the last request each fake answered


def check_url(url: str) -> None:
    from urllib.parse import parse_qsl, urlsplit

    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    if parts.path != "/v1/namespaces/default/items" or query != EXPECTED_QUERY:
        raise SystemExit(f"unexpected request: {url}")


def ours(package_dir: Path) -> Callable[[], Any]:
    import httpx

    sys.path.insert(0, str(package_dir))
    from call_bench_client import CallBench

    resource = CallBench(base_url=BASE_URL, transport=httpx.MockTransport(_answer)).items
    return lambda: resource.list_namespaced_items("default", **ARGUMENTS).items


def _hand_models(keep_unknown: bool = False) -> Any:
    """The page model as one would write it by hand for pydantic (returns ItemList); keep_unknown:
    models keep the fields they do not declare (pydantic's extra="allow"), as ours do."""
    from pydantic import BaseModel as PydanticModel, ConfigDict, Field

    class BaseModel(PydanticModel):
        model_config = ConfigDict(extra="allow" if keep_unknown else "ignore")

    class Owner(BaseModel):
        kind: str
        name: str
        uid: str | None = None

    class Item(BaseModel):
        id: int
        name: str
        namespace: str | None = None
        created_at: datetime.datetime = Field(alias="createdAt")
        ready: bool | None = None
        restarts: int | None = None
        cpu: float | None = None
        phase: str | None = None
        labels: dict[str, str] | None = None
        ports: list[int] | None = None
        owner: Owner | None = None

    class ItemList(BaseModel):
        items: list[Item]
        resource_version: str | None = Field(None, alias="resourceVersion")

    return ItemList


def _answer(request: Any) -> Any:
    import httpx

    SEEN[:] = [str(request.url)]
    return httpx.Response(200, headers=HEADERS, content=BODY)


def _query(
    limit: int | None,
    label_selector: str | None,
    field_selector: str | None,
    resource_version: str | None,
    timeout_seconds: int | None,
) -> dict[str, Any]:
    query = {
        "limit": limit,
        "labelSelector": label_selector,
        "fieldSelector": field_selector,
        "resourceVersion": resource_version,
        "timeoutSeconds": timeout_seconds,
    }
    return {key: value for key, value in query.items() if value is not None}


def hand_written(keep_unknown: bool = False) -> Callable[[], Any]:
    from urllib.parse import quote

    import httpx

    item_list = _hand_models(keep_unknown)
    client = httpx.Client(base_url=BASE_URL, transport=httpx.MockTransport(_answer))

    def list_items(
        namespace: str,
        *,
        limit: int | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
        resource_version: str | None = None,
        timeout_seconds: int | None = None,
    ) -> Any:
        response = client.get(
            f"/namespaces/{quote(namespace, safe='')}/items",
            params=_query(limit, label_selector, field_selector, resource_version, timeout_seconds),
        )
        response.raise_for_status()
        return item_list.model_validate_json(response.content)

    return lambda: list_items("default", **ARGUMENTS).items


def floor(keep_unknown: bool = False) -> Callable[[], Any]:
    """The least any client built on httpx and pydantic can do for this call: no client object.
    The URL is one f-string, the request goes straight to the transport (no httpx.Client: no
    merging of defaults, no cookies, auth, redirects or event hooks), and the hand-written model
    validates the page (keeping undeclared fields when keep_unknown). Not a usable client: the
    bound below every client on this stack."""
    from urllib.parse import quote, urlencode

    import httpx

    item_list = _hand_models(keep_unknown)
    transport = httpx.MockTransport(_answer)

    def list_items(
        namespace: str,
        *,
        limit: int | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
        resource_version: str | None = None,
        timeout_seconds: int | None = None,
    ) -> Any:
        query = urlencode(
            _query(limit, label_selector, field_selector, resource_version, timeout_seconds)
        )
        request = httpx.Request(
            "GET", f"{BASE_URL}/namespaces/{quote(namespace, safe='')}/items?{query}"
        )
        response = transport.handle_request(request)
        response.read()
        return item_list.model_validate_json(response.content)

    return lambda: list_items("default", **ARGUMENTS).items


def openapi_generator(package_dir: Path) -> Callable[[], Any]:
    import urllib3

    sys.path.insert(0, str(package_dir))
    import openapi_client

    class Pool(urllib3.HTTPSConnectionPool):
        def urlopen(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
            SEEN[:] = [f"https://{self.host}{url}"]
            return urllib3.HTTPResponse(
                body=io.BytesIO(BODY),
                headers=HEADERS,
                status=200,
                reason="OK",
                preload_content=False,
            )

    api_client = openapi_client.ApiClient(openapi_client.Configuration(host=BASE_URL))
    manager = urllib3.PoolManager()
    manager.pool_classes_by_scheme = {"https": Pool, "http": Pool}
    api_client.rest_client.pool_manager = manager
    api = openapi_client.ItemsApi(api_client)
    return lambda: api.list_namespaced_items("default", **ARGUMENTS).items


def bravado(spec: Path) -> Callable[[], Any]:
    import requests
    import urllib3
    import yaml
    from bravado.client import SwaggerClient
    from bravado.requests_client import RequestsClient

    class Adapter(requests.adapters.HTTPAdapter):
        def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
            SEEN[:] = [str(request.url)]
            raw = urllib3.HTTPResponse(
                body=io.BytesIO(BODY),
                headers=HEADERS,
                status=200,
                reason="OK",
                preload_content=False,
            )
            return self.build_response(request, raw)

    http_client = RequestsClient()
    http_client.session.mount("https://", Adapter())
    document = yaml.safe_load(spec.read_text())
    client = SwaggerClient.from_spec(
        document, origin_url=f"{BASE_URL}/swagger.json", http_client=http_client
    )
    camel = {
        "limit": "limit",
        "label_selector": "labelSelector",
        "field_selector": "fieldSelector",
        "resource_version": "resourceVersion",
        "timeout_seconds": "timeoutSeconds",
    }
    arguments = {camel[key]: value for key, value in ARGUMENTS.items()}
    operation = client.items.listNamespacedItems
    return lambda: operation(namespace="default", **arguments).response().result.items


def measure(
    call: Callable[[], Any], calls: int, warmup: int, budget: float, paused: bool = False
) -> dict[str, float]:
    """Time `calls` calls, or as many as fit in `budget` seconds (at least 200) for a slow client;
    also how often CPython's cycle collector ran meanwhile and how long it took (see Collector).
    paused: the collector is off while timing, to show what a call costs without it."""
    for _ in range(warmup):
        items = call()
    check_url(SEEN[0])
    if len(items) != len(json.loads(BODY)["items"]) or (
        items and not isinstance(_created(items[0]), datetime.datetime)
    ):
        raise SystemExit(f"unexpected result: {items[:1]!r}")
    clock = time.perf_counter_ns
    timings: list[int] = []
    deadline = clock() + int(budget * 1e9)
    with Collector(paused) as collector:
        while len(timings) < calls and (len(timings) < 200 or clock() < deadline):
            started = clock()
            call()
            timings.append(clock() - started)
    timings.sort()
    return {
        "median": statistics.median(timings) / 1000,
        "mean": statistics.fmean(timings) / 1000,
        "p90": timings[int(len(timings) * 0.9)] / 1000,
        "calls": len(timings),
        **collector.per_call(len(timings)),
    }


class Collector:
    """Counts the cycle collector's runs while timing, through gc.callbacks. A call that leaves more
    than gc's threshold (700) of new container objects alive at once sets off a young collection
    each time, and every collection moves the still-alive page towards the old generation, whose
    full collections walk the whole heap. Shown to split what the clients do from what it costs."""

    def __init__(self, paused: bool = False) -> None:
        self.runs = [0, 0, 0]  # collections of generation 0, 1, 2
        self.nanoseconds = 0
        self._started = 0
        self._paused = paused
        self._was_enabled = True  # read again on entering

    def __enter__(self) -> "Collector":
        self._was_enabled = gc.isenabled()
        if self._paused:
            gc.disable()
        gc.callbacks.append(self._observe)
        return self

    def __exit__(self, *exc_info: object) -> None:
        gc.callbacks.remove(self._observe)
        if self._was_enabled:
            gc.enable()

    def _observe(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter_ns()
        else:
            self.runs[info["generation"]] += 1
            self.nanoseconds += time.perf_counter_ns() - self._started

    def per_call(self, calls: int) -> dict[str, float]:
        return {
            "collector_us": self.nanoseconds / calls / 1000,
            "young_collections": self.runs[0] / calls,
            "full_collections": self.runs[2] / calls,
        }


def _created(item: Any) -> Any:
    return getattr(item, "created_at", None) or getattr(item, "createdAt", None)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--spec", type=Path, required=True)
    parser.add_argument("--ours", type=Path, required=True)
    parser.add_argument("--theirs", type=Path, required=True)
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument(
        "--budget", type=float, default=20.0, help="seconds per client at most (after 200 calls)"
    )
    parser.add_argument(
        "--order", default="floor,floor-keeping,hand,hand-keeping,ours,openapi-generator,bravado"
    )
    parser.add_argument(
        "--items", type=int, default=100, help="items in the page every call returns"
    )
    parser.add_argument(
        "--paused", action="store_true", help="time with the cycle collector off (a diagnostic)"
    )
    args = parser.parse_args()
    global BODY
    BODY = page(args.items)
    builders: dict[str, Callable[[], Callable[[], Any]]] = {
        "floor": floor,
        "floor-keeping": lambda: floor(keep_unknown=True),
        "hand": hand_written,
        "hand-keeping": lambda: hand_written(keep_unknown=True),
        "ours": lambda: ours(args.ours),
        "openapi-generator": lambda: openapi_generator(args.theirs),
        "bravado": lambda: bravado(args.spec),
    }
    warmup = min(args.warmup, args.calls)
    results = {
        name: measure(builders[name](), args.calls, warmup, args.budget, args.paused)
        for name in args.order.split(",")
    }
    print(json.dumps(results))


if __name__ == "__main__":
    main()
