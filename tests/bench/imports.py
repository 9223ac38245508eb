"""Import time of the generated Kubernetes clients, each in a fresh process of the peers' venv.

Three moments are timed inside the process (interpreter start-up is not counted):
`import` the package; `setup`, also the client built and one resource (Core v1) touched, so a
lazily loading package pays for what it deferred; `first call`, also one
`list_core_v1_namespaced_pod` answered by an in-process fake (httpx.MockTransport for ours, a
urllib3 pool that answers itself for OpenAPI Generator), which imports the response's models.
The first process after a generation also compiles the .pyc files; it is reported apart.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .common import BenchError, median
from .peers import peer_python

POD_LIST = json.dumps(
    {
        "apiVersion": "v1",
        "kind": "PodList",
        "metadata": {"resourceVersion": "1"},
        "items": [
            {
                "metadata": {"name": "web-0", "namespace": "default"},
                "spec": {
                    "containers": [
                        {"name": "web", "image": "nginx:1.27", "ports": [{"containerPort": 80}]}
                    ]
                },
                "status": {"phase": "Running"},
            }
        ],
    }
)

_OURS = f"""
import json, time
started = time.perf_counter()
import kubernetes_client
imported = time.perf_counter()
import httpx
def answer(request):
    return httpx.Response(200, headers={{"Content-Type": "application/json"}}, content={POD_LIST!r})
client = kubernetes_client.Kubernetes(base_url="https://k8s.invalid", transport=httpx.MockTransport(answer))
core = client.core_v1
ready = time.perf_counter()
pods = core.list_core_v1_namespaced_pod("default", limit=10)
assert pods.items[0].metadata.name == "web-0", pods
done = time.perf_counter()
print(json.dumps({{"import": imported - started, "setup": ready - started, "first call": done - started}}))
"""

_THEIRS = f"""
import json, time, io
started = time.perf_counter()
import openapi_client
imported = time.perf_counter()
import urllib3
class Pool(urllib3.HTTPSConnectionPool):
    def urlopen(self, method, url, *args, **kwargs):
        return urllib3.HTTPResponse(body=io.BytesIO({POD_LIST!r}.encode()), status=200, reason="OK",
                                    headers={{"Content-Type": "application/json"}}, preload_content=False)
api_client = openapi_client.ApiClient(openapi_client.Configuration(host="https://k8s.invalid"))
manager = urllib3.PoolManager()
manager.pool_classes_by_scheme = {{"https": Pool, "http": Pool}}
api_client.rest_client.pool_manager = manager
core = openapi_client.CoreV1Api(api_client)
ready = time.perf_counter()
pods = core.list_core_v1_namespaced_pod("default", limit=10)
assert pods.items[0].metadata.name == "web-0", pods
done = time.perf_counter()
print(json.dumps({{"import": imported - started, "setup": ready - started, "first call": done - started}}))
"""

MOMENTS = ("import", "setup", "first call")


@dataclass(frozen=True)
class ImportTimes:
    first: dict[str, float]  # the first process after generation (compiles the .pyc files)
    medians: dict[str, float]
    samples: list[dict[str, float]]


def time_imports(tool: str, client_dir: Path, repeat: int) -> ImportTimes:
    for cache in list(client_dir.rglob("__pycache__")):
        shutil.rmtree(cache)
    code = _OURS if tool == "ours" else _THEIRS
    first = _once(code, client_dir)
    samples = [_once(code, client_dir) for _ in range(repeat)]
    return ImportTimes(first, {m: median([s[m] for s in samples]) for m in MOMENTS}, samples)


def _once(code: str, client_dir: Path) -> dict[str, float]:
    run = subprocess.run(
        [str(peer_python()), "-c", code],
        cwd=client_dir,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(client_dir), "PATH": "/usr/bin:/bin"},
    )
    if run.returncode != 0:
        raise BenchError(f"importing the client in {client_dir} failed:\n{run.stderr[-3000:]}")
    times: dict[str, float] = json.loads(run.stdout.strip().splitlines()[-1])
    return times
