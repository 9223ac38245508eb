"""Security schemes and requirements, the base URL, and which header names may carry a value."""

from __future__ import annotations

import re
from urllib.parse import quote

from generator.model import ir
from generator.model.context import Context
from generator.model.jsonvalues import JSONObject, as_list, as_object, strings, text

PATH_SAFE = "/:@!$&'()*+,;=-._~%"  # what a URL path keeps as it is (percent-encoding stays too)
CLIENT_HEADERS = ("content-type", "accept", "authorization")
# Headers HTTP owns: they frame the message (a Content-Length without its body, a chunked
# encoding that is not there), route it (Host) or steer the connection and proxies. RFC 9110:
# Host 7.2, the connection-specific fields 7.6.1, Content-Length 8.6, Trailer 6.6.2, Expect
# 10.1.1, TE 10.1.4, Proxy-* 11.7. A value from the document is never sent in them.
_HTTP_HEADERS = frozenset(
    {
        "host",
        "content-length",
        "transfer-encoding",
        "connection",
        "upgrade",
        "te",
        "trailer",
        "keep-alive",
        "proxy-connection",
        "expect",
    }
)
_HEADER_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")  # RFC 9110's token
# A host name, IPv4 or bracketed IPv6 address, and an optional port (RFC 3986's authority without user info).
_HOST = re.compile(
    r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63})*\.?|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$"
)


def security_schemes(ctx: Context) -> tuple[ir.SecurityScheme, ...]:
    schemes = []
    for name, raw in as_object(ctx.doc.get("securityDefinitions")).items():
        scheme = _security_scheme(str(name), raw)
        if scheme is None:
            ctx.warn(
                ("securityDefinitions", name),
                "security-unsupported",
                f"the security scheme {name!r} is left out: {_scheme_problem(raw)}",
            )
        else:
            schemes.append(scheme)
    return tuple(schemes)


def security(ctx: Context, operation: JSONObject) -> tuple[tuple[str, ...], ...]:
    """The operation's security requirements, each the names of the usable schemes it needs."""
    requirements = operation["security"] if "security" in operation else ctx.doc.get("security")
    known = {
        str(name)
        for name, raw in as_object(ctx.doc.get("securityDefinitions")).items()
        if _security_scheme(str(name), raw)
    }
    out = []
    for requirement in as_list(requirements):
        if isinstance(requirement, dict):
            names = tuple(str(n) for n in requirement if str(n) in known)
            if names or not requirement:
                out.append(names)
    return tuple(out)


def base_url(ctx: Context) -> str:
    host = ctx.doc.get("host")
    if not isinstance(host, str) or not host:
        return ""
    if not _HOST.match(host):
        ctx.warn(
            ("host",),
            "host-invalid",
            f"the host {host!r} is not a host name with an optional port; "
            "it is left out, so the client needs a base_url",
            "write host as name[:port], e.g. api.example.com",
        )
        return ""
    schemes = [s for s in strings(ctx.doc.get("schemes")) if s in ("http", "https")]
    scheme = "https" if "https" in schemes or not schemes else schemes[0]
    base_path = quote(text(ctx.doc.get("basePath")).strip("/"), safe=PATH_SAFE)
    return f"{scheme}://{host}{'/' + base_path if base_path else ''}"


def header_problem(name: str, client_headers: tuple[str, ...] = ()) -> str | None:
    """Why a header with this name cannot carry a value from the document, or None."""
    lowered = name.lower()
    if lowered in client_headers:
        return "the client sets it from consumes, produces and security"
    if lowered in _HTTP_HEADERS or lowered.startswith("proxy-"):
        return "HTTP itself sets it (it frames the request or steers the connection or a proxy)"
    if not _HEADER_TOKEN.match(name):
        return "an HTTP header name is letters, digits and !#$%&'*+-.^_`|~ only"
    return None


def _security_scheme(name: str, raw: object) -> ir.SecurityScheme | None:
    if not isinstance(raw, dict):
        return None
    description = text(raw.get("description"))
    if raw.get("type") == "basic":
        return ir.SecurityScheme(name, "basic", description=description)
    in_query = raw.get("in") == "query" and isinstance(raw.get("name"), str)
    in_header = raw.get("in") == "header" and _api_key_header_problem(raw) is None
    if raw.get("type") == "apiKey" and (in_query or in_header):
        return ir.SecurityScheme(name, "apiKey", str(raw["name"]), str(raw["in"]), description)
    if raw.get("type") == "oauth2":
        return ir.SecurityScheme(name, "bearer", "Authorization", "header", description)
    return None


def _api_key_header_problem(raw: JSONObject) -> str | None:
    # Authorization is allowed: APIs put their own key schemes in it.
    return header_problem(str(raw.get("name")))


def _scheme_problem(raw: object) -> str:
    """Why _security_scheme refused raw, for the warning."""
    if isinstance(raw, dict) and raw.get("type") == "apiKey" and raw.get("in") == "header":
        return f"its header {str(raw.get('name'))!r} cannot be used: {_api_key_header_problem(raw)}"
    return "it is not basic, apiKey (in query or header) or oauth2"
