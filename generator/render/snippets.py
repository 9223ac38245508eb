"""The examples of the generated README, one per feature, with the API's own names.

Each snippet calls a real operation with the arguments its generated tests pass (testgen's plan),
so the generated tests/test_readme.py can run every snippet against a mock server that answers
as the operation does. Names come from the IR; values from testgen, which escapes them; the few
texts of the target (environment variables) go through escape.py too.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Callable

from generator.model import ir
from generator.render import escape, testgen
from generator.render.examples import Synthesizer

# the order the README shows them in
FEATURES = (
    "quickstart",
    "auth",
    "options",
    "errors",
    "retries",
    "logging",
    "pagination",
    "raw",
    "streaming",
    "async_client",
)
_LIMIT = 100  # the page size the pagination example asks for
_CALL = re.compile(r"\b([A-Z][A-Za-z0-9_]*)\(")
HANDLERS = ("Download", "Flaky", "Listing", "Recorder")  # the support module's mock servers


@dataclass(frozen=True)
class Snippet:
    """One README example: its Python source, and how the generated test's mock server answers
    it (Python source of a handler from the generated support module)."""

    feature: str
    source: str
    server: str  # its JSON texts are named: module-level constants of the test
    json: tuple[tuple[str, str], ...] = ()  # (constant, JSON text) of each the server names


def snippets(api: ir.Api, credentials: list[tuple[str, str, str, str]]) -> dict[str, Snippet]:
    """The README's examples by feature (see FEATURES); a feature the API cannot show (no paged
    operation, no binary response, no usable operation at all) has none."""
    found = _Builder(api, credentials).build()
    return {feature: found[feature] for feature in FEATURES if feature in found}


def handlers(found: dict[str, Snippet]) -> list[str]:
    """The support module's mock servers the snippets' tests use."""
    return [h for h in HANDLERS if any(f"{h}(" in s.server for s in found.values())]


class _Builder:
    def __init__(self, api: ir.Api, credentials: list[tuple[str, str, str, str]]) -> None:
        self.api = api
        self.credentials = credentials
        self.package = escape.identifier(str(api.names.package))
        self.client = escape.identifier(str(api.names.client_class))
        self.models = {str(m.name) for m in api.models} | {str(e.name) for e in api.enums}
        self.json_names: dict[str, str] = {}  # JSON text -> its constant, shared by all snippets
        self.planner = testgen.Planner(api, credentials)
        # every operation, by resource; an operation is planned only when it is a candidate
        # (a README is made every run: planning all of a large API's tests would double it)
        self.operations = [(r.name, op) for r in api.resources for op in r.operations]
        self._plans: dict[int, testgen.OperationTests | None] = {}

    def build(self) -> dict[str, Snippet]:
        found: dict[str, Snippet | None] = {"quickstart": self._quickstart()}
        simple = self._simplest(lambda op: True)
        if simple is not None:
            found["auth"] = self._auth(simple) if self.credentials else None
            found["options"] = self._options()
            found["errors"] = self._errors(simple)
            found["retries"] = self._retries()
            found["logging"] = self._logging(simple)
            found["raw"] = self._raw(simple)
        paged = self._simplest(lambda op: bool(op.pagination and op.iterator_name))
        found["pagination"] = self._pagination(paged) if paged else None
        binary = self._simplest(testgen.downloads)
        found["streaming"] = self._streaming(binary) if binary else None
        chosen = paged or simple
        found["async_client"] = self._async(chosen) if chosen else None
        return {k: v for k, v in found.items() if v is not None}

    # -- choosing operations

    def _simplest(self, wanted: Callable[[ir.Operation], bool]) -> testgen.OperationTests | None:
        """Of the wanted operations whose generated tests run (their data is valid and small),
        a GET with the fewest required arguments, else the operation with the fewest."""
        ranked = sorted(
            (index for index, (_, op) in enumerate(self.operations) if wanted(op)),
            key=lambda i: (
                self.operations[i][1].method != "GET",
                sum(p.required for p in self.operations[i][1].parameters),
            ),
        )
        return next((plan for i in ranked if (plan := self._plan(i)) is not None), None)

    def _plan(self, index: int) -> testgen.OperationTests | None:
        """The operation's planned tests, None when they are skipped."""
        if index not in self._plans:
            resource, op = self.operations[index]
            plan = self.planner.operation(op)
            plan.resource = resource
            self._plans[index] = None if plan.skip else plan
        return self._plans[index]

    # -- the parts of a snippet

    def _constructor(self, **options: str) -> str:
        """The client made as the quick start makes it: credentials and base URL from the
        environment when the target names variables for them, else as arguments."""
        return f"client = {self.client}({self._client_arguments(**options)})"

    def _client_arguments(self, **options: str) -> str:
        arguments = [
            f"{escape.identifier(arg)}={escape.string_literal('my-' + arg.replace('_', '-'))}"
            for arg, env, _, _ in self.credentials
            if not env
        ]
        if not self.api.base_url:  # the document names no host: the user must
            arguments.append('base_url="https://api.example.com"')
        arguments += [f"{name}={value}" for name, value in options.items()]
        return ", ".join(arguments)

    def _imports(self, names: list[str], body: list[str], client: bool = True) -> list[str]:
        """The import lines a snippet needs: the client (unless not) and names from the package,
        the models its arguments build, and datetime when they hold dates."""
        text = "\n".join(body)
        used = sorted({n for n in _CALL.findall(text) if n in self.models})
        lines = ["import datetime", ""] if "datetime." in text else []
        imported = [self.client, *names] if client else names
        lines.append(f"from {self.package} import {', '.join(imported)}")
        if used:
            lines.append(f"from {self.package}.models import {', '.join(used)}")
        return [*lines, ""]

    def _source(
        self,
        body: list[str],
        names: tuple[str, ...] = (),
        head: tuple[str, ...] = (),
        client: bool = True,
    ) -> str:
        return "\n".join([*head, *self._imports(list(names), body, client), *body])

    def _method(self, plan: testgen.OperationTests, via: str = "") -> str:
        resource = escape.identifier(str(plan.resource))
        return f"client.{resource}.{via}{escape.identifier(str(plan.op.name))}"

    @staticmethod
    def _arguments(arguments: list[str], *more: str) -> str:
        return ", ".join([*arguments, *more])

    # -- the mock servers (handlers of the generated support module)

    def _answer(self, plan: testgen.OperationTests) -> str:
        if plan.response_bytes:
            return f'Recorder({plan.status}, content=b"binary-content")'
        return f"Recorder({plan.status}, {self._json(plan.response_json)})"

    def _json(self, text: str) -> str:
        """The constant naming a JSON text in the test module ('""' for none)."""
        if not text:
            return '""'
        return self.json_names.setdefault(text, f"_JSON_{len(self.json_names) + 1}")

    def _snippet(self, feature: str, source: str, server: str) -> Snippet:
        named = tuple((n, t) for t, n in self.json_names.items() if re.search(rf"\b{n}\b", server))
        return Snippet(feature, source, server, named)

    # -- the features

    def _quickstart(self) -> Snippet:
        async_client = escape.identifier(str(self.api.names.async_client_class))
        source = self._source([self._constructor()], (async_client,))
        return self._snippet("quickstart", source, "Recorder()")

    def _auth(self, plan: testgen.OperationTests) -> Snippet:
        given = [
            f"{escape.identifier(arg)}={escape.string_literal('my-' + arg.replace('_', '-'))}"
            for arg, _, _, _ in self.credentials
        ]
        variables = [env for _, env, _, _ in self.credentials if env]
        base = [] if self.api.base_url else ['base_url="https://api.example.com"']
        body = [f"client = {self.client}({', '.join(given + base)})"]
        if variables:
            body.append(escape.comment_text("# or leave them out and set " + ", ".join(variables)))
        body.append(
            f"result = {self._method(plan)}({self._arguments(plan.required_call.arguments)})"
        )
        return self._snippet("auth", self._source(body), self._answer(plan))

    def _options(self) -> Snippet:
        """Every per-call option, on an operation that sends a JSON object or a form (where
        extra_body adds fields), else on the simplest one without extra_body."""
        plan = self._simplest(_takes_extra_body) or self._simplest(lambda op: True)
        assert plan is not None
        options = [
            "timeout=10.0",
            "max_retries=0",
            'extra_headers={"X-Trace-Id": "readme-1"}',
            'extra_query={"trace": "1"}',
        ]
        if _takes_extra_body(plan.op):
            options.append('extra_body={"note": "sent as one more field"}')
        call = [f"{self._method(plan)}("]
        call += [f"    {argument}," for argument in [*plan.required_call.arguments, *options]]
        body = [self._constructor(), "result = " + call[0], *call[1:], ")"]
        return self._snippet("options", self._source(body), self._answer(plan))

    def _errors(self, plan: testgen.OperationTests) -> Snippet:
        """The operation's first declared error with an exception of its own, else a 404."""
        # not one a retry may follow (429, 5xx): the example shows the error at once
        retried = ("APIStatusError", "RateLimitError", "InternalServerError")
        declared = [e for e in plan.errors if e.exception not in retried]
        error = declared[0] if declared else testgen.ErrorCase(404, "NotFoundError", "", "")
        exception = escape.identifier(error.exception)
        body = [
            self._constructor(),
            "try:",
            f"    {self._method(plan)}({self._arguments(plan.required_call.arguments)})",
            f"except {exception} as error:",
            "    print(error.status_code, error.request_id, error.body)",
        ]
        server = (
            f"Recorder({error.status}, {self._json(error.body_json)}, "
            'headers={"X-Request-Id": "req-1"})'
        )
        return self._snippet("errors", self._source(body, (exception,)), server)

    def _retries(self) -> Snippet:
        """A call the server first answers 503: an operation that is not idempotent, sent with
        an idempotency key so it may be sent again (else an idempotent one)."""
        plan = self._simplest(lambda op: not op.idempotent and not op.idempotency_header)
        plan = plan or self._simplest(lambda op: True)
        assert plan is not None
        more = [] if plan.op.idempotent else ['extra_headers={"Idempotency-Key": "order-7"}']
        body = [
            self._constructor(max_retries="3", timeout="20.0"),
            f"result = {self._method(plan)}({self._arguments(plan.required_call.arguments, *more)})",
        ]
        return self._snippet("retries", self._source(body), f"Flaky(503, {self._answer(plan)})")

    def _logging(self, plan: testgen.OperationTests) -> Snippet:
        body = [
            f"logging.getLogger({escape.string_literal(str(self.api.names.package))}).setLevel(logging.DEBUG)",
            self._constructor(),
            f"result = {self._method(plan)}({self._arguments(plan.required_call.arguments)})",
        ]
        return self._snippet(
            "logging", self._source(body, head=("import logging", "")), self._answer(plan)
        )

    def _raw(self, plan: testgen.OperationTests) -> Snippet:
        body = [
            self._constructor(),
            "response = "
            f"{self._method(plan, 'with_raw_response.')}({self._arguments(plan.required_call.arguments)})",
            'print(response.status_code, response.headers.get("Content-Type"))',
            "result = response.parse()",
        ]
        return self._snippet("raw", self._source(body), self._answer(plan))

    def _pagination(self, plan: testgen.OperationTests) -> Snippet:
        iterator = self._iterator(plan)
        body = [
            self._constructor(),
            f"for item in {iterator}:",
            "    print(item)",
            f"for page in {iterator}.iter_pages():",
            "    print(page)",
        ]
        return self._snippet("pagination", self._source(body), self._listing(plan))

    def _iterator(self, plan: testgen.OperationTests) -> str:
        """The paged operation's iterator called with its required arguments and a page size
        (its own paging arguments are the iterator's to give)."""
        page = plan.op.pagination
        assert page is not None and plan.op.iterator_name
        by_wire = {p.wire_name: p for p in plan.op.parameters if p.location == "query"}
        paging = (page.limit_param, page.offset_param, page.page_param, page.cursor_param)
        skip = {str(by_wire[w].name) for w in paging if w in by_wire}
        arguments = [a for a in plan.required_call.arguments if a.split("=", 1)[0] not in skip]
        if page.limit_param in by_wire:
            limit = min(_LIMIT, page.max_limit) if page.max_limit else _LIMIT
            arguments.append(f"{escape.identifier(str(by_wire[page.limit_param].name))}={limit}")
        return (
            f"client.{escape.identifier(str(plan.resource))}."
            f"{escape.identifier(str(plan.op.iterator_name))}({', '.join(arguments)})"
        )

    def _listing(self, plan: testgen.OperationTests) -> str:
        """A Listing (support module) serving the operation's pages."""
        page = plan.op.pagination
        assert page is not None
        item = json.dumps(Synthesizer(self.api).value(page.item_type))
        arguments = [
            self._json(plan.response_json),
            self._json(item),
            escape.string_literal(page.kind),
            escape.string_literal(page.items_field),
            *(f"{k}={escape.string_literal(v)}" for k, v in testgen.listing_names(page).items()),
            *([f"status={plan.status}"] if plan.status != 200 else []),
        ]
        return f"Listing({', '.join(arguments)})"

    def _streaming(self, plan: testgen.OperationTests) -> Snippet:
        body = [
            self._constructor(),
            f"with {self._method(plan, 'with_streaming_response.')}"
            f"({self._arguments(plan.required_call.arguments)}) as response:",
            '    response.write_to_file("download.bin")',
        ]
        return self._snippet("streaming", self._source(body), f"Download({plan.status})")

    def _async(self, plan: testgen.OperationTests) -> Snippet:
        """The async client: a call awaited, and for a paged operation its items with async for
        (against the Listing, which answers the operation's own call with a page too)."""
        client = escape.identifier(str(self.api.names.async_client_class))
        call = f"{self._method(plan)}({self._arguments(plan.required_call.arguments)})"
        body = [
            "",
            "async def main() -> None:",
            f"    async with {client}({self._client_arguments()}) as client:",
            f"        result = await {call}",
            "        print(result)",
        ]
        paged = bool(plan.op.pagination and plan.op.iterator_name)
        if paged:
            body += [
                f"        async for item in {self._iterator(plan)}:",
                "            print(item)",
            ]
        body += ["", "", "asyncio.run(main())"]
        source = self._source(body, (client,), ("import asyncio", ""), client=False)
        return self._snippet(
            "async_client", source, self._listing(plan) if paged else self._answer(plan)
        )


def _takes_extra_body(op: ir.Operation) -> bool:
    """Whether the operation sends a JSON object or a form, to which extra_body adds fields."""
    if op.body_kind in ("form", "multipart"):
        return True
    body = next((p for p in op.parameters if p.location == "body"), None)
    return body is not None and isinstance(body.type, ir.ModelRef)
