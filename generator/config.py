"""The project's configuration: the targets `python -m generator` regenerates.

It lives in pyproject.toml under `[tool.swagger2-client]` (or in any TOML file given with
`--config`, where the same keys may also sit at the top level):

    [tool.swagger2-client]
    templates = ["my-templates"]        # optional, for every target

    [[tool.swagger2-client.targets]]
    name = "callfire"
    spec = "spec/callfire-call-broadcast.yaml"
    overlays = ["spec/callfire-call-broadcast.overlay.yaml"]
    output = "generated"
    package = "callfire_client"         # optional, like everything below
    distribution = "callfire-client"
    client-class = "CallFire"
    env-prefix = "CALLFIRE"
    version = "spec"                    # spec, bump, or a fixed version
    templates = ["callfire-templates"]  # replaces the shared list
    ref-root = "schemas"                # a folder (or a list) any $ref may read from

Paths are relative to the file. Command-line flags override what the file says.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from generator.target import Target, target_problems

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 reads TOML with the tomli backport
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

TABLE = "swagger2-client"
_STRINGS = {
    "name": "name",
    "spec": "spec",
    "output": "output",
    "package": "package",
    "distribution": "distribution",
    "client-class": "client_class",
    "env-prefix": "env_prefix",
    "version": "version",
}
_LISTS = {"overlays": "overlays", "templates": "templates", "ref-root": "ref_roots"}
_ONE_OR_MORE = {"ref-root"}  # lists that may also be given as one string
_PATHS = {"spec", "output", "overlays", "templates"}
_REQUIRED = ("spec", "output")


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Config:
    source: Path
    targets: tuple[Target, ...]

    def select(self, names: list[str]) -> tuple[Target, ...]:
        """The targets with these names (every target when none are given)."""
        known = {t.name: t for t in self.targets}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise ConfigError(
                f"{self.source}: no target named {', '.join(map(repr, unknown))} "
                f"(configured: {', '.join(map(repr, known)) or 'none'})"
            )
        return tuple(known[n] for n in names) if names else self.targets


def find_config(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above start that has a [tool.swagger2-client] table."""
    for folder in [start, *start.parents]:
        candidate = folder / "pyproject.toml"
        tool = _read(candidate).get("tool") if candidate.is_file() else None
        if isinstance(tool, dict) and TABLE in tool:
            return candidate
    return None


def load_config(path: Path) -> Config:
    data = _read(path)
    tool = data.get("tool")
    table = (
        tool.get(TABLE)
        if isinstance(tool, dict) and TABLE in tool
        else (data if path.name != "pyproject.toml" else None)
    )
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: no [tool.{TABLE}] table")
    _refuse_unknown(path, f"tool.{TABLE}", table, {"targets", "templates"})
    shared = _paths(path, f"tool.{TABLE}.templates", table.get("templates", []))
    raw_targets = table.get("targets")
    if not isinstance(raw_targets, list) or not raw_targets:
        raise ConfigError(f"{path}: tool.{TABLE}.targets must list at least one target")
    targets = tuple(
        _target(path, f"targets[{i}]", raw, shared) for i, raw in enumerate(raw_targets)
    )
    names = [t.name for t in targets]
    if len(set(names)) != len(names):
        raise ConfigError(
            f"{path}: two targets share a name ({', '.join(names)}); give each its own name"
        )
    return Config(path, targets)


def _read(path: Path) -> dict[str, object]:
    try:
        data: dict[str, object] = tomllib.loads(path.read_text(encoding="utf-8"))
        return data
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration ({exc.strerror or exc})") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc


def _target(path: Path, where: str, raw: object, shared: tuple[Path, ...]) -> Target:
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: {where} must be a table")
    _refuse_unknown(path, where, raw, set(_STRINGS) | set(_LISTS))
    for key in _REQUIRED:
        if key not in raw:
            raise ConfigError(f"{path}: {where} needs {key!r}")
    values: dict[str, object] = {"templates": shared}
    for key, attribute in _STRINGS.items():
        if key in raw:
            values[attribute] = _string(path, f"{where}.{key}", raw[key], relative=key in _PATHS)
    for key, attribute in _LISTS.items():
        if key in raw:
            one = key in _ONE_OR_MORE and isinstance(raw[key], str)
            values[attribute] = _paths(path, f"{where}.{key}", [raw[key]] if one else raw[key])
    values.setdefault("name", Path(str(raw["output"])).name)
    target = Target(**values)  # type: ignore[arg-type]
    for problem in target_problems(target):
        raise ConfigError(f"{path}: {where}: {problem.removeprefix('--')}")
    return target


def _string(path: Path, where: str, value: object, relative: bool) -> object:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{path}: {where} must be a non-empty string")
    return (path.parent / value) if relative else value


def _paths(path: Path, where: str, value: object) -> tuple[Path, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{path}: {where} must be a list of paths")
    return tuple(path.parent / v for v in value)


def _refuse_unknown(path: Path, where: str, table: dict[str, object], known: set[str]) -> None:
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(
            f"{path}: {where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(known))})"
        )
