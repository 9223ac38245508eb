"""Plan the generated test suite: for each operation, the arguments to pass and the exact request to expect.

The expected request is computed here, independently of the runtime that the tests
exercise, so a runtime that serializes a parameter wrongly makes them fail.
"""

from __future__ import annotations

import base64
import datetime
import json
import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from generator.render import escape
from generator.model import ir
from generator.render.examples import HARD_BUDGET, Sample, Synthesizer
from generator.ingest.validate import remove_dot_segments

CREDENTIAL_VALUES = {
    "username": "test-user",
    "password": "test-password",
    "token": "test-token",
    "api_key": "test-key",
}
_JOIN = {"csv": ",", "ssv": " ", "tsv": "\t", "pipes": "|"}
_STATUS_ERRORS = {
    400: "BadRequestError",
    401: "AuthenticationError",
    403: "PermissionDeniedError",
    404: "NotFoundError",
    409: "ConflictError",
    422: "UnprocessableEntityError",
    429: "RateLimitError",
}


@dataclass
class Call:
    """One call of an operation in a test: arguments as Python source, and the request it must produce."""

    arguments: list[str]  # "name=<source>" or positional "<source>"
    raw_path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    json_body: str  # JSON text, '' for none
    form: list[tuple[str, str]]
    files: list[str]  # form field names sent as files
    content: str = ""  # a body sent as it is (not JSON), as text; '' for none
    unmet: tuple[str, ...] = ()  # the limits its arguments break (a mock server refuses it)
    incomplete: bool = False  # an argument lacks required fields (the client refuses it)


@dataclass
class ErrorCase:
    status: int
    exception: str
    body_json: str  # '' for no body
    body_model: str  # class name when the error body is a model
    incomplete: bool = False  # the body lacks required fields (see examples.Sample)


@dataclass
class OperationTests:
    op: ir.Operation
    required_call: Call
    full_call: Call
    contract_call: Call  # all arguments, plain values a mock server routes without surprises
    status: int
    response_json: str  # '' for no body
    response_bytes: bool
    check: str  # how to check the result: none, bytes, model, models, equal
    model: str  # the model class for 'model' / 'models'
    errors: list[ErrorCase] = field(default_factory=list)
    resource: str = ""  # the client attribute of the operation's resource
    skip: str = ""  # why its unit tests are skipped ('' when they run)
    contract_skip: str = ""  # why its contract tests are skipped ('' when they run)

    @property
    def keyed(self) -> bool:
        """Whether every call carries the idempotency key the operation declares (a required
        header): the server acts on one key once, so a second attempt is safe."""
        key = self.op.idempotency_header
        return bool(key) and any(
            p.wire_name == key and p.location == "header" and p.required for p in self.op.parameters
        )

    @property
    def contract_arguments(self) -> list[str]:
        return self.contract_call.arguments

    @property
    def has_success(self) -> bool:
        return any(r.status.startswith("2") or r.status == "default" for r in self.op.responses)

    @property
    def first_status(self) -> int:
        return min((int(r.status) for r in self.op.responses if r.status.isdigit()), default=200)


class Planner:
    """Plans the tests of an API's resources, each when asked: a resource's tests depend on it
    and on the API without its operations (models, security, base URL), never on another resource.
    """

    def __init__(self, api: ir.Api, credentials: list[tuple[str, str, str, str]]) -> None:
        schemes = {s.name: s for s in api.security_schemes}
        self._planner = _Planner(
            Synthesizer(api),
            Synthesizer(api, sending=True),
            schemes,
            credentials,
            urlsplit(api.base_url).path.rstrip("/"),
        )

    def resource(self, resource: ir.Resource) -> list[OperationTests]:
        return [self._planner.operation(op) for op in resource.operations]

    def operation(self, op: ir.Operation) -> OperationTests:
        return self._planner.operation(op)

    @property
    def notes(self) -> list[tuple[ir.Operation, str]]:
        """The operations planned so far whose tests are skipped, and why."""
        return self._planner.notes


@dataclass
class _Planner:
    synth: Synthesizer
    sending: Synthesizer
    schemes: dict[str, ir.SecurityScheme]
    credentials: list[tuple[str, str, str, str]]
    base_path: str
    # (type, limits, sent as a body) -> a synthesized argument and its source: every operation's
    # three calls, and the many operations that take the same body, share them
    typed: dict[tuple[ir.TypeRef, str, bool], tuple[object, str, Sample]] = field(
        default_factory=dict
    )
    # operations whose tests are skipped because their data would be too large, and why
    notes: list[tuple[ir.Operation, str]] = field(default_factory=list)

    def operation(self, op: ir.Operation) -> OperationTests:
        status, response = _success_response(op)
        data = self.synth.sample(None if isinstance(response, ir.FileData) else response)
        check, model = _check(response)
        errors = [r for r in op.responses if r.status.isdigit() and int(r.status) >= 400]
        tests = OperationTests(
            op=op,
            required_call=self.call(op, [p for p in op.parameters if p.required]),
            full_call=self.call(op, list(op.parameters)),
            contract_call=self.call(op, list(op.parameters), escaping=False),
            status=status,
            response_json=json.dumps(data.value) if data.value is not None else "",
            response_bytes=isinstance(response, ir.FileData),
            check=check,
            model=model,
            errors=[self.error(r) for r in errors],
        )
        incomplete = data.incomplete or any(e.incomplete for e in tests.errors)
        self._skips(tests, incomplete)
        return tests

    def _skips(self, tests: OperationTests, incomplete: bool) -> None:
        """Skip the tests whose data cannot be valid and small (diagnosed as example-constraint)."""
        calls = (tests.required_call, tests.full_call, tests.contract_call)
        if incomplete or any(c.incomplete for c in calls):
            tests.skip = tests.contract_skip = (
                f"its test data would hold more than {HARD_BUDGET} values: the generator "
                "leaves required fields out, and the client would rightly refuse it"
            )
            self.notes.append((tests.op, tests.skip))
        elif tests.contract_call.unmet:
            tests.contract_skip = (
                "a mock server refuses its request: small test data cannot keep to "
                + "; ".join(tests.contract_call.unmet)
            )

    def error(self, response: ir.Response) -> ErrorCase:
        status = int(response.status)
        exception = _STATUS_ERRORS.get(
            status, "InternalServerError" if status >= 500 else "APIStatusError"
        )
        body = self.synth.sample(response.type)
        model = response.type.name if isinstance(response.type, ir.ModelRef) else ""
        text = json.dumps(body.value) if body.value is not None else ""
        return ErrorCase(status, exception, text, model, body.incomplete)

    def call(self, op: ir.Operation, params: list[ir.Parameter], escaping: bool = True) -> Call:
        path, arguments = op.path, []
        query: list[tuple[str, str]] = []
        headers: dict[str, str] = {}
        form: list[tuple[str, str]] = []
        files: list[str] = []
        json_body = content = ""
        unmet: list[str] = []
        incomplete = False
        for param in params:
            value, source, sample = self._argument(param, escaping)
            unmet.extend(sample.unmet)
            incomplete = incomplete or sample.incomplete
            value = _as_sent(param.type, value, self.synth)
            if param.location == "path":
                arguments.append(source)
                segment = _path_segment(_joined(value, param.collection_format or "csv"))
                path = path.replace("{" + param.wire_name + "}", segment)
                continue
            arguments.append(f"{param.name}={source}")
            if param.location == "query":
                query.extend(_query_pairs(param, value))
            elif param.location == "header":
                headers[param.wire_name] = _joined(value, "csv")
            elif param.location == "body" and op.body_kind == "raw":
                content = str(value)  # text, or the bytes of the file (see _source)
            elif param.location == "body":
                json_body = json.dumps(value)
            elif param.uploads:  # a part for each file
                files.extend([param.wire_name] * (len(value) if isinstance(value, list) else 1))
            else:
                form.extend(_query_pairs(param, value))
        if (json_body or content) and "content-type" not in {name.lower() for name in headers}:
            headers["Content-Type"] = op.content_type  # the media type the operation consumes
        query.extend(self._auth_query(op))
        headers.update(self._auth_headers(op))
        # httpx resolves dot segments in the URL it sends (RFC 3986 section 5.2.4); the
        # generator already resolved the template's, but the base URL may still have some.
        raw_path = remove_dot_segments(self.base_path + path)
        call = Call(
            arguments, raw_path, sorted(query), headers, json_body, sorted(form), files, content
        )
        call.unmet, call.incomplete = tuple(dict.fromkeys(unmet)), incomplete
        return call

    def _argument(self, param: ir.Parameter, escaping: bool) -> tuple[object, str, Sample]:
        """The value of param in a test call (never changed afterwards), its Python source, and
        what keeps it from being valid."""
        if param.has_example:
            example = param.example
            return example, _source(param.type, example, self.synth), Sample(example)
        if escaping and param.location == "path" and param.type == ir.Primitive("str"):
            # exercises percent-escaping
            return "a b/c", _source(param.type, "a b/c", self.synth), Sample("a b/c")
        key = (
            param.type,
            repr(param.limits),
            param.location == "body",
        )  # repr: 1 and 1.0 are two limits
        if key not in self.typed:
            synth = self.sending if param.location == "body" else self.synth
            sample = synth.sample(param.type, param.limits)
            self.typed[key] = sample.value, _source(param.type, sample.value, self.synth), sample
        return self.typed[key]

    def _chosen_schemes(self, op: ir.Operation) -> list[ir.SecurityScheme]:
        for alternative in op.security:
            return [self.schemes[name] for name in alternative if name in self.schemes]
        return []

    def _auth_headers(self, op: ir.Operation) -> dict[str, str]:
        headers = {}
        for scheme in self._chosen_schemes(op):
            if scheme.kind == "basic":
                pair = f"{CREDENTIAL_VALUES['username']}:{CREDENTIAL_VALUES['password']}".encode()
                headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
            elif scheme.kind == "bearer":
                headers["Authorization"] = "Bearer " + CREDENTIAL_VALUES["token"]
            elif scheme.location == "header":
                headers[scheme.param] = CREDENTIAL_VALUES["api_key"]
        return headers

    def _auth_query(self, op: ir.Operation) -> list[tuple[str, str]]:
        return [
            (s.param, CREDENTIAL_VALUES["api_key"])
            for s in self._chosen_schemes(op)
            if s.kind == "apiKey" and s.location == "query"
        ]


# The query parameter of the next links the support module's Listing writes (a link walk's
# position: the runtime follows each link as the server wrote it).
LINK_TOKEN = "skiptoken"


def position_param(page: ir.Pagination) -> str:
    """The query parameter holding a walk's position: the API's offset, page or cursor
    parameter ('' when it states none), or the one in the Listing's next links."""
    where = {"offset": page.offset_param, "page": page.page_param, "cursor": page.cursor_param}
    return where.get(page.kind, LINK_TOKEN)


def listing_names(page: ir.Pagination) -> dict[str, str]:
    """The support module's Listing's names for a paged operation: the wire names of its paging
    parameters and page fields (the runtime's own names where the API states none)."""
    names = {"limit": page.limit_param, page.kind: position_param(page) or page.kind}
    if page.kind in ("cursor", "link"):
        names["next"] = page.next_field or "next"
    names.update(total=page.total_field, limit_field=page.limit_field)
    return {k: v for k, v in names.items() if v}


def downloads(op: ir.Operation) -> bool:
    """Whether op's success response is a file (its tests stream it)."""
    return isinstance(_success_response(op)[1], ir.FileData)


def _success_response(op: ir.Operation) -> tuple[int, ir.TypeRef | None]:
    for response in op.responses:
        if response.status.isdigit() and response.status.startswith("2"):
            return int(response.status), response.type
    default = next((r for r in op.responses if r.status == "default"), None)
    return 200, default.type if default else None


def _check(type_: ir.TypeRef | None) -> tuple[str, str]:
    if type_ is None:
        return "none", ""
    if isinstance(type_, ir.FileData):
        return "bytes", ""
    if isinstance(type_, ir.ModelRef):
        return "model", type_.name
    if isinstance(type_, ir.ArrayOf) and isinstance(type_.item, ir.ModelRef):
        return "models", type_.item.name
    return "equal", ""


def _param_str(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _path_segment(value: object) -> str:
    """A path argument as one segment: percent-escaped, and `.` or `..` with its dots escaped
    (the runtime's promise, so that an argument never climbs the path)."""
    segment = quote(_param_str(value), safe="")
    return segment.replace(".", "%2E") if segment in (".", "..") else segment


def _joined(value: object, collection_format: str) -> str:
    if isinstance(value, list):
        return _JOIN.get(collection_format, ",").join(_param_str(v) for v in value)
    return _param_str(value)


def _query_pairs(param: ir.Parameter, value: object) -> list[tuple[str, str]]:
    if isinstance(value, list) and param.collection_format == "multi":
        return [(param.wire_name, _param_str(v)) for v in value]
    return [(param.wire_name, _joined(value, param.collection_format or "csv"))]


def _model_source(name: str, value: dict[str, object], synth: Synthesizer) -> str:
    """A model built by its Python field names, as users write it (so a wrong alias shows)."""
    fields = {f.wire_name: f for f in synth.fields(name)}
    arguments = [
        f"{fields[k].name}={_source(fields[k].type, v, synth)}"
        for k, v in value.items()
        if k in fields
    ]
    return f"{name}({', '.join(arguments)})"


def _source(type_: ir.TypeRef, value: object, synth: Synthesizer) -> str:
    """Python source for an argument of type_ holding the JSON value."""
    if isinstance(type_, ir.ModelRef) and isinstance(value, dict):
        return _model_source(type_.name, value, synth)
    if isinstance(type_, ir.ArrayOf) and isinstance(value, list):
        return "[" + ", ".join(_source(type_.item, v, synth) for v in value) + "]"
    if isinstance(type_, ir.FileData):
        return 'b"file-content"'
    if isinstance(type_, ir.MapOf) and isinstance(value, dict):
        entries = (
            f"{escape.python_value(k)}: {_source(type_.value, v, synth)}" for k, v in value.items()
        )
        return "{" + ", ".join(entries) + "}"
    moment = _moment(type_, value)
    if isinstance(moment, datetime.datetime):
        fields = [moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second]
        fields += [moment.microsecond] if moment.microsecond else []
        tz = _zone_source(moment.utcoffset())
        return f"datetime.datetime({', '.join(map(str, fields))}{tz})"
    if isinstance(moment, datetime.date):
        return f"datetime.date({moment.year}, {moment.month}, {moment.day})"
    return escape.python_value(value)  # text that is no date: passed, and sent, as it is


# RFC 3339 (section 5.6) full-date and date-time; the offset left optional, as some APIs write it.
_FULL_DATE = re.compile(r"(\d{4})-(\d\d)-(\d\d)")
_DATE_TIME = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?([Zz]|[+-]\d\d:\d\d)?"
)


def _moment(type_: ir.TypeRef, value: object) -> datetime.date | None:
    """The date or date-time an argument's text stands for, when type_ is one and the text is
    RFC 3339; None otherwise (the test then passes the text itself)."""
    if not (isinstance(type_, ir.Primitive) and isinstance(value, str)):
        return None
    pattern = {"date": _FULL_DATE, "date-time": _DATE_TIME}.get(type_.format)
    found = pattern.fullmatch(value) if pattern else None
    if found is None:
        return None
    numbers = [int(part) for part in found.groups()[:6] if part is not None]
    try:
        if type_.format == "date":
            return datetime.date(*numbers)
        year, month, day, hour, minute, second = numbers
        micro = int((found.group(7) or "0").ljust(6, "0"))
        zone = _zone(found.group(8))
        return datetime.datetime(year, month, day, hour, minute, second, micro, tzinfo=zone)
    except ValueError:  # a month 13, a second 61: no date Python holds
        return None


def _zone_source(offset: datetime.timedelta | None) -> str:
    if offset is None:
        return ""
    if not offset:
        return ", tzinfo=datetime.timezone.utc"
    return f", tzinfo=datetime.timezone(datetime.timedelta(seconds={int(offset.total_seconds())}))"


def _zone(offset: str | None) -> datetime.tzinfo | None:
    if offset is None:
        return None
    if offset in "Zz":
        return datetime.timezone.utc
    minutes = int(offset[1:3]) * 60 + int(offset[4:6])
    return datetime.timezone(datetime.timedelta(minutes=-minutes if offset[0] == "-" else minutes))


def _as_sent(type_: ir.TypeRef, value: object, synth: Synthesizer) -> object:
    """value as the client puts it on the wire: a date or date-time the test passes as one (see
    _source) in RFC 3339 form, with UTC as "Z" (as pydantic writes a model's); all else as is."""
    if isinstance(type_, ir.ArrayOf) and isinstance(value, list):
        return [_as_sent(type_.item, item, synth) for item in value]
    if isinstance(type_, ir.MapOf) and isinstance(value, dict):
        return {key: _as_sent(type_.value, item, synth) for key, item in value.items()}
    if isinstance(type_, ir.ModelRef) and isinstance(value, dict):
        fields = {f.wire_name: f.type for f in synth.fields(type_.name)}
        return {k: _as_sent(fields[k], v, synth) if k in fields else v for k, v in value.items()}
    moment = _moment(type_, value)
    if moment is None:
        return value
    text = moment.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
