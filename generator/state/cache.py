"""The generator's cache folder: entries that only save time, never needed for a correct result.

GENERATOR_CACHE names the folder (`off` turns caching off); the default is under ~/.cache. It
holds what the stages remember through `Memo` (per package: the formatted Python of its last
run and its API in parts, model/irdata.py; the hashes of the document parts found valid) and
check records (uptodate.py).
Deleting it costs time only.

The folder is untrusted: CI caches are shared, restored between jobs and forks, so any entry may
have been written by an attacker. Two rules make that harmless:

- Entries are data (JSON or text), never pickle, marshal or code: reading one runs nothing.
- Every entry is signed with HMAC-SHA256 under a key kept outside the folder (see `_secret`).
  An entry this key did not sign, or whose bytes changed, is foreign: it is ignored, and the
  work it would have saved is done again and the entry rewritten. Jobs that should share a
  cache share the key (GENERATOR_CACHE_KEY, a CI secret that untrusted forks never see).

Every entry is named by a kind (a folder) and a key (any text, hashed into the file name), and
the signature covers both, so an entry cannot be moved to answer for another key. Writes are
atomic (a temporary file renamed), so a reader never sees half a file, and a failed read or
write is ignored.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
import stat
import threading
from pathlib import Path

MAX_ENTRY = 256 * 1024 * 1024  # a larger file is not an entry this generator wrote
_MAC = 32  # bytes of HMAC-SHA256 before each entry's data


def enabled() -> bool:
    return _root() is not None and _secret() is not None


class Memo:
    """The cache folder as the stages' memo (generator.memo): signed, data-only entries."""

    def read(self, kind: str, key: str) -> bytes | None:
        return read(kind, key)

    def write(self, kind: str, key: str, data: bytes) -> None:
        write(kind, key, data)


def read(kind: str, key: str) -> bytes | None:
    """The data kept under (kind, key), or None when there is none or it is not ours."""
    path, secret = _entry(kind, key), _secret()
    if path is None or secret is None:
        return None
    data = read_regular(path)
    if data is None or len(data) < _MAC:
        return None
    mac, body = data[:_MAC], data[_MAC:]
    return body if hmac.compare_digest(mac, _sign(secret, kind, key, body)) else None


def write(kind: str, key: str, data: bytes) -> None:
    """Keep data under (kind, key), signed."""
    path, secret = _entry(kind, key), _secret()
    if path is None or secret is None:
        return
    _write_atomically(path, _sign(secret, kind, key, data), data)  # not joined: data may be 15 MB


def prune(kind: str, keep: int) -> None:
    """Delete all but the keep newest entries of kind."""
    root = _root()
    if root is None:
        return
    try:
        entries = sorted(
            (p for p in (root / kind).glob("*/*") if p.is_file() and not p.is_symlink()),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for old in entries[keep:]:
            old.unlink()
    except OSError:
        pass  # another run pruned it first


def _root() -> Path | None:
    """The cache folder (GENERATOR_CACHE, or one under ~/.cache), None when turned `off`."""
    setting = os.environ.get("GENERATOR_CACHE", "")
    if setting == "off":
        return None
    if setting:
        return Path(setting)
    return (
        Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        / "swagger2-python-client-generator"
    )


def _entry(kind: str, key: str) -> Path | None:
    """Where (kind, key) lives; None when caching is off or a folder on the way is a link (a
    planted link would let a read or write reach outside the cache folder)."""
    root = _root()
    if root is None:
        return None
    name = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
    path = root / kind / name[:2] / name
    for folder in (path.parent.parent, path.parent):
        try:
            if stat.S_ISLNK(os.lstat(folder).st_mode):
                return None
        except FileNotFoundError:
            break  # made on first write, as a plain folder
        except OSError:
            return None
    return path


def _sign(secret: bytes, kind: str, key: str, data: bytes) -> bytes:
    mac = hmac.new(secret, digestmod=hashlib.sha256)
    for part in (kind.encode(), key.encode("utf-8", "surrogatepass")):
        mac.update(len(part).to_bytes(8, "big") + part)
    mac.update(data)
    return mac.digest()


def _secret() -> bytes | None:
    """The signing key: GENERATOR_CACHE_KEY when set, else a random key made once in the user's
    config folder (mode 0600). None (no caching) when no key can be had, or when the key file
    would sit inside the cache folder, where whoever writes the cache could read it."""
    given = os.environ.get("GENERATOR_CACHE_KEY", "")
    if given:
        return hashlib.sha256(given.encode("utf-8", "surrogatepass")).digest()
    return _key_file(_key_path(), _root())


def _key_path() -> Path:
    config = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(config) / "swagger2-python-client-generator" / "cache-key"


@functools.lru_cache(maxsize=8)
def _key_file(path: Path, root: Path | None) -> bytes | None:
    if root is None or path.resolve().is_relative_to(root.resolve()):
        return None
    key = read_regular(path)
    if key is None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
            with os.fdopen(descriptor, "wb") as file:
                file.write(secrets.token_bytes(32))
        except FileExistsError:
            pass  # another run made it first: read theirs
        except OSError:
            return None
        key = read_regular(path)
    return key if key is not None and len(key) >= 32 else None


def read_regular(path: Path) -> bytes | None:
    """The bytes of a regular file that is not a link, at most MAX_ENTRY of them, else None (no
    FIFO, device or link planted where a file was can block, flood or redirect a read)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            return None
        data = file.read(MAX_ENTRY + 1)
    return data if len(data) <= MAX_ENTRY else None


def _write_atomically(path: Path, *parts: bytes) -> None:
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL and O_NOFOLLOW: a file or link planted under the temporary name is never written through
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            for part in parts:
                file.write(part)
        os.replace(temporary, path)
    except OSError:
        pass  # a cache that cannot be written only costs time
