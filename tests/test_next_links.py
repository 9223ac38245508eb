"""Azure's paging, `x-ms-pageable`: each page names the URL of the next (issue 18, section 1).

The expectations come from AutoRest's description of the extension (nextLinkName, itemName with
"value" by default, a null nextLinkName for "one page holds everything") and from what an Azure
server sends: an absolute next link that carries its own query ($skiptoken, api-version), on the
same host. tests/found_documents/next_links.yaml is the document; its generated suite passes
every corpus stage (tests/test_found_documents.py).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest

from generator.generate import generate
from generator.target import Target
from tests.conftest import ROOT

LINKS = ROOT / "tests" / "found_documents" / "next_links.yaml"
BASE = "https://example.com/v1"


@pytest.fixture(scope="module")
def links(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    out = tmp_path_factory.mktemp("links") / "out"
    generation, _ = generate(Target(spec=LINKS, output=out, package="links_client"))
    assert generation.files is not None, [d.render() for d in generation.diagnostics]
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module("links_client")
    finally:
        sys.path.remove(str(out))


class Azure:
    """Pages of 2 of 5 vaults; each page but the last names the next by an absolute URL that
    keeps api-version and adds a $skiptoken, as Azure Resource Manager does."""

    def __init__(self, items: str = "value", link: str = "nextLink", host: str = "") -> None:
        self.items, self.link, self.host = items, link, host
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        start = int(request.url.params.get("$skiptoken", "0"))
        body: dict[str, Any] = {
            self.items: [{"id": str(i)} for i in range(start, min(start + 2, 5))]
        }
        if start + 2 < 5:
            host = self.host or "example.com"
            body[self.link] = (
                f"https://{host}/v1/vaults?api-version=2019-09-01&$skiptoken={start + 2}"
            )
        return httpx.Response(200, json=body)


def _client(links: ModuleType, server: Azure) -> Any:
    return links.Links(key="k", transport=httpx.MockTransport(server))


def test_every_page_is_walked_through_its_next_link(links: ModuleType) -> None:
    server = Azure()
    vaults = list(_client(links, server).default.iter_vaults_list(api_version="2019-09-01"))
    assert [vault.id for vault in vaults] == ["0", "1", "2", "3", "4"]
    assert [str(r.url) for r in server.requests] == [
        f"{BASE}/vaults?api-version=2019-09-01",
        f"{BASE}/vaults?api-version=2019-09-01&$skiptoken=2",
        f"{BASE}/vaults?api-version=2019-09-01&$skiptoken=4",
    ]
    assert {r.headers["X-Key"] for r in server.requests} == {"k"}


def test_item_and_link_names_come_from_the_extension(links: ModuleType) -> None:
    """itemName "keys", nextLinkName "@odata.nextLink"; the operation is a POST, its next pages
    GETs of the link (AutoRest's rule), without the body."""
    server = Azure(items="keys", link="@odata.nextLink")
    resource = _client(links, server).default
    pages = list(resource.iter_keys_list_all(body={"q": "x"}).iter_pages())
    assert len(pages) == 3
    assert [r.method for r in server.requests] == ["POST", "GET", "GET"]
    assert [r.content for r in server.requests][1:] == [b"", b""]


def test_an_empty_page_with_a_next_link_is_not_the_last(links: ModuleType) -> None:
    """The AutoRest test server's /paging/firstResponseEmpty: an empty first page whose next
    link leads to the item (AutoRest's clients go on while there is a next link)."""
    pages = [{"value": [], "nextLink": "/v1/vaults?page=2"}, {"value": [{"id": "a"}]}]
    requests: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, json=pages[len(requests) - 1])

    client = links.Links(key="k", transport=httpx.MockTransport(answer))
    assert [vault.id for vault in client.default.iter_vaults_list(api_version="1")] == ["a"]
    assert len(requests) == 2


@pytest.mark.parametrize(
    "next_link",
    ["/v1/vaults?$skiptoken=2", "/v1/vaults?api-version=2.0&$skiptoken=2"],
    ids=["lacking", "another"],
)
def test_each_next_link_gets_the_api_version_the_call_gave(
    links: ModuleType, next_link: str
) -> None:
    """The AutoRest test server's /paging/apiVersion/append and /replace: an Azure client keeps
    its api-version on every page, whether the link lacks one or names another."""
    pages = [{"value": [{"id": "a"}], "nextLink": next_link}, {"value": [{"id": "b"}]}]
    requests: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, json=pages[len(requests) - 1])

    client = links.Links(key="k", transport=httpx.MockTransport(answer))
    assert len(list(client.default.iter_vaults_list(api_version="1.0"))) == 2
    assert [r.url.params.get_list("api-version") for r in requests] == [["1.0"], ["1.0"]]
    assert requests[1].url.params["$skiptoken"] == "2"


def test_a_next_link_to_another_host_is_refused_before_the_key_goes_there(
    links: ModuleType,
) -> None:
    server = Azure(host="elsewhere.example")
    walk = _client(links, server).default.iter_vaults_list(api_version="1")
    with pytest.raises(links.RequestURLError):
        list(walk)
    assert [r.url.host for r in server.requests] == ["example.com"]


def test_a_null_next_link_name_means_one_page_and_no_iterator(links: ModuleType) -> None:
    resource = importlib.import_module("links_client.resources.default").Default
    assert hasattr(resource, "iter_vaults_list") and hasattr(resource, "iter_keys_list_all")
    assert not hasattr(resource, "iter_everything_list")


def test_an_extension_naming_no_field_is_a_warning_not_a_walk(write, cli) -> None:  # type: ignore[no-untyped-def]
    text = LINKS.read_text(encoding="utf-8").replace(
        "nextLinkName: nextLink}", "nextLinkName: next}"
    )
    spec = write("links.yaml", text)
    result = cli("generate", spec, "-o", spec.parent / "out", "--package", "links_client")
    assert result.code == 0, result.err
    assert "warning[pagination-invalid]" in result.err and "x-ms-pageable" in result.err
    source = (spec.parent / "out" / "links_client" / "resources" / "default.py").read_text()
    assert "def iter_vaults_list" not in source


def test_a_long_running_operation_says_that_nothing_polls(links: ModuleType, write, cli) -> None:  # type: ignore[no-untyped-def]
    """x-ms-long-running-operation: the first response (202) is what the method returns; the
    docstring and an info say so, since a caller would otherwise wait for the result."""
    method = importlib.import_module("links_client.resources.default").Default.jobs_list_accepted
    assert "does not poll" in (method.__doc__ or "")
    assert "does not poll" not in (links.Links.__init__.__doc__ or "")
    spec = write("links.yaml", LINKS.read_text(encoding="utf-8"))
    out = spec.parent / "out"
    result = cli("generate", spec, "-o", out, "--package", "links_client", "--verbose")
    assert "info[long-running-not-polled]" in result.err
    assert result.err.count("long-running-not-polled") == 1  # only the operation marked so


def test_a_named_next_operation_is_a_warning_since_the_walk_does_not_call_it(write, cli) -> None:  # type: ignore[no-untyped-def]
    """AutoRest fetches the next pages with operationName's operation, the link as its argument
    (the AutoRest test server's /paging/multiple/fragment routes put it into that operation's
    path): a GET of the link, which is what the iterator sends, may not be served."""
    text = LINKS.read_text(encoding="utf-8").replace(
        "x-ms-pageable: {nextLinkName: nextLink}",
        "x-ms-pageable: {nextLinkName: nextLink, operationName: Vaults_ListNext}",
        1,
    )
    spec = write("links.yaml", text)
    result = cli("generate", spec, "-o", spec.parent / "out", "--package", "links_client")
    assert result.code == 0, result.err
    warned = [line for line in result.err.splitlines() if "pagination-next-operation" in line]
    assert len(warned) == 1 and "'Vaults_ListNext'" in warned[0], result.err
    assert "/x-ms-pageable/operationName" in result.err
    source = (spec.parent / "out" / "links_client" / "resources" / "default.py").read_text()
    assert "def iter_vaults_list" in source  # the walk is still offered
    plain = cli("generate", LINKS, "-o", spec.parent / "plain", "--package", "links_client")
    assert "pagination-next-operation" not in plain.err
