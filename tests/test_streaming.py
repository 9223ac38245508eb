"""`client.<resource>.with_streaming_response.<operation>(...)`: a download read as it arrives,
on a client generated from a small media API and driven through httpx.MockTransport with a
response body that really streams (each chunk made when httpx asks for it).

What must hold (issue 18, section 6, after openai-python's streaming responses): the status
and headers are there before any of the body is read; the body is read only as asked
(`iter_bytes`, `read`, `write_to_file`, `parse`); the response is closed when the `with` block
ends, whether it raised or not; an error status raises the typed error a normal call raises,
reading at most a bounded part of its body; a call is retried only before the caller has the
response; `write_to_file` replaces the destination only with a complete file, never writing
through a link planted there.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import os
import subprocess
import sys
import warnings
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from generator.generate import generate
from generator.target import Target

MEDIA_SPEC = """\
swagger: "2.0"
info: {title: Media, version: "1.0"}
host: media.example
basePath: /v1
schemes: [https]
securityDefinitions: {basic: {type: basic}}
security: [{basic: []}]
paths:
  /recordings/{id}.mp3:
    get:
      operationId: getRecordingMp3
      tags: [recordings]
      produces: [audio/mpeg]
      parameters: [{name: id, in: path, required: true, type: integer}]
      responses:
        "200": {description: the recording, schema: {type: file}}
        "404": {description: no such recording, schema: {$ref: "#/definitions/Error"}}
  /recordings/{id}:
    get:
      operationId: getRecording
      tags: [recordings]
      produces: [application/json]
      parameters: [{name: id, in: path, required: true, type: integer}]
      responses:
        "200": {description: its details, schema: {$ref: "#/definitions/Recording"}}
definitions:
  Error:
    type: object
    properties: {message: {type: string}}
  Recording:
    type: object
    required: [id]
    properties: {id: {type: integer}, lengthSeconds: {type: integer}}
"""

CHUNKS = [b"ID3\x04", b"frame-1;" * 100, b"frame-2;" * 100, b"end"]
BODY = b"".join(CHUNKS)


class ChunkStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body made chunk by chunk as httpx reads it (sync or async), which records how
    many chunks were read and whether it was closed; ``fail_after`` breaks the connection after
    that many chunks."""

    def __init__(self, chunks: list[bytes], fail_after: int | None = None) -> None:
        self.chunks, self.fail_after = chunks, fail_after
        self.given = 0
        self.closed = False

    def _next(self) -> Iterator[bytes]:
        for chunk in self.chunks:
            if self.given == self.fail_after:
                raise httpx.ReadError("connection reset by peer")
            self.given += 1
            yield chunk

    def __iter__(self) -> Iterator[bytes]:
        yield from self._next()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._next():
            yield chunk

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


class Server:
    """Answers each request with the next of ``answers``: a ChunkStream (status 200, audio), an
    ``httpx.Response``, or an exception to raise (the connection failed)."""

    def __init__(self, *answers: ChunkStream | httpx.Response | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers[min(len(self.requests), len(self.answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, ChunkStream):
            headers = {"Content-Type": "audio/mpeg", "X-Request-Id": "req-7"}
            return httpx.Response(200, headers=headers, stream=answer)
        return answer

    async def handle_async(self, request: httpx.Request) -> httpx.Response:
        return self(request)


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    folder = tmp_path_factory.mktemp("media")
    spec = folder / "media.yaml"
    spec.write_text(MEDIA_SPEC, encoding="utf-8")
    generation, _ = generate(Target(spec=spec, output=folder / "out", package="media_client"))
    assert generation.files is not None, [d.render() for d in generation.diagnostics]
    sys.path.insert(0, str(folder / "out"))
    try:
        yield importlib.import_module("media_client")
    finally:
        sys.path.remove(str(folder / "out"))


def client(media: ModuleType, server: Server, **options: Any) -> Any:
    made = media.Media(username="u", password="p", transport=httpx.MockTransport(server), **options)
    made._sleep = lambda seconds: None
    return made


def async_client(media: ModuleType, server: Server, **options: Any) -> Any:
    async def no_sleep(seconds: float) -> None:
        return None

    transport = httpx.MockTransport(server.handle_async)
    made = media.AsyncMedia(username="u", password="p", transport=transport, **options)
    made._sleep = no_sleep
    return made


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


# -- the body, as it arrives ----------------------------------------------------------------------


def test_status_and_headers_come_before_the_body_which_is_read_in_chunks(
    media: ModuleType,
) -> None:
    stream = ChunkStream(CHUNKS)
    api = client(media, Server(stream)).recordings
    with api.with_streaming_response.get_recording_mp3(7) as response:
        assert response.status_code == 200 and response.request_id == "req-7"
        assert response.headers["content-type"] == "audio/mpeg"
        assert stream.given == 0  # nothing of the body was read to get here
        chunks = response.iter_bytes()
        first = next(chunks)
        assert first == CHUNKS[0] and stream.given == 1
        rest = list(chunks)
    assert [first, *rest] == CHUNKS  # chunk_size=None: as they come
    assert stream.closed


def test_iter_bytes_cuts_the_body_into_the_chunk_size_asked(media: ModuleType) -> None:
    api = client(media, Server(ChunkStream(CHUNKS))).recordings
    with api.with_streaming_response.get_recording_mp3(7) as response:
        chunks = list(response.iter_bytes(chunk_size=64))
    assert b"".join(chunks) == BODY
    assert {len(c) for c in chunks[:-1]} == {64} and 0 < len(chunks[-1]) <= 64


def test_read_and_parse_give_the_whole_body(media: ModuleType) -> None:
    recording = httpx.Response(200, json={"id": 7, "lengthSeconds": 30})
    api = client(media, Server(ChunkStream(CHUNKS), recording)).recordings
    with api.with_streaming_response.get_recording_mp3(7) as response:
        assert response.read() == BODY and response.parse() == BODY
    with api.with_streaming_response.get_recording(7) as details:
        parsed = details.parse()
    assert type(parsed).__name__ == "Recording" and parsed.length_seconds == 30


def test_the_request_is_sent_when_the_block_starts_not_before(media: ModuleType) -> None:
    server = Server(ChunkStream(CHUNKS))
    call = client(media, server).recordings.with_streaming_response.get_recording_mp3(7)
    assert server.requests == []
    with call as response:
        assert server.requests[0].url.path == "/v1/recordings/7.mp3"
        assert response.status_code == 200


def test_a_normal_call_still_reads_the_whole_body(media: ModuleType) -> None:
    stream = ChunkStream(CHUNKS)
    assert client(media, Server(stream)).recordings.get_recording_mp3(7) == BODY
    assert stream.closed


# -- closing ---------------------------------------------------------------------------------------


def test_the_response_is_closed_when_the_block_ends_unread(media: ModuleType) -> None:
    stream = ChunkStream(CHUNKS)
    with client(media, Server(stream)).recordings.with_streaming_response.get_recording_mp3(7):
        pass
    assert stream.closed and stream.given == 0


def test_the_response_is_closed_when_the_block_raises(media: ModuleType) -> None:
    stream = ChunkStream(CHUNKS)
    api = client(media, Server(stream)).recordings
    with pytest.raises(KeyError):
        with api.with_streaming_response.get_recording_mp3(7) as response:
            next(response.iter_bytes())
            raise KeyError("the caller's own failure")
    assert stream.closed and stream.given == 1


# -- errors ----------------------------------------------------------------------------------------


def test_an_error_status_raises_the_typed_error_with_its_body(media: ModuleType) -> None:
    body = ChunkStream([b'{"message": ', b'"no recording 7"}'])
    headers = {"Content-Type": "application/json", "X-Request-Id": "r9"}
    missing = httpx.Response(404, headers=headers, stream=body)
    api = client(media, Server(missing)).recordings
    with pytest.raises(media.NotFoundError) as raised:
        with api.with_streaming_response.get_recording_mp3(7):
            pytest.fail("the block must not run for an error status")
    error = raised.value
    assert error.status_code == 404 and error.request_id == "r9"
    assert type(error.body).__name__ == "Error" and error.body.message == "no recording 7"
    assert "no recording 7" in str(error) and body.closed


def test_an_error_body_is_read_only_up_to_a_bound_then_closed(media: ModuleType) -> None:
    limit = importlib.import_module("media_client._runtime._raw").MAX_ERROR_BODY
    huge = ChunkStream([b"x" * 65536] * 200)  # 12.5 MiB of error page
    failing = httpx.Response(500, headers={"Content-Type": "text/html"}, stream=huge)
    api = client(media, Server(failing), max_retries=0).recordings
    with pytest.raises(media.InternalServerError) as raised:
        with api.with_streaming_response.get_recording_mp3(7):
            pass
    assert len(raised.value.body) == limit
    assert huge.given * 65536 <= limit + 65536 and huge.closed
    assert len(str(raised.value)) < 400  # the message shows its start only


def test_a_broken_connection_while_reading_raises_the_clients_error(media: ModuleType) -> None:
    server = Server(ChunkStream(CHUNKS, fail_after=2), ChunkStream(CHUNKS))
    api = client(media, server, max_retries=2).recordings
    with pytest.raises(media.APIConnectionError, match="GET /v1/recordings/7.mp3"):
        with api.with_streaming_response.get_recording_mp3(7) as response:
            for _ in response.iter_bytes():
                pass
    # The caller had bytes of the body already: sending again would hand them over twice.
    assert len(server.requests) == 1


# -- retries: only before the caller has the response --------------------------------------------


@pytest.mark.parametrize(
    "first",
    [
        httpx.Response(503, headers={"Retry-After": "0"}),
        httpx.Response(429, headers={"Retry-After": "0"}),
        httpx.ConnectError("connection refused"),
    ],
    ids=["503", "429", "connect-error"],
)
def test_a_failure_before_the_response_is_retried(
    media: ModuleType, first: httpx.Response | Exception
) -> None:
    stream = ChunkStream(CHUNKS)
    server = Server(first, stream)
    api = client(media, server, max_retries=1).recordings
    with api.with_streaming_response.get_recording_mp3(7) as response:
        assert response.read() == BODY
    assert len(server.requests) == 2 and stream.closed


def test_a_streamed_503_body_is_closed_before_the_retry(media: ModuleType) -> None:
    busy = ChunkStream([b"busy"])
    unavailable = httpx.Response(503, headers={"Retry-After": "0"}, stream=busy)
    server = Server(unavailable, ChunkStream(CHUNKS))
    with client(media, server, max_retries=1).recordings.with_streaming_response.get_recording_mp3(
        7
    ):
        pass
    assert busy.closed and len(server.requests) == 2


# -- redirects keep the runtime's rules -----------------------------------------------------------


def test_a_streamed_call_follows_a_redirect_to_its_own_origin_only(media: ModuleType) -> None:
    here = httpx.Response(302, headers={"Location": "https://media.example/v1/cdn/7.mp3"})
    server = Server(here, ChunkStream(CHUNKS))
    with client(media, server).recordings.with_streaming_response.get_recording_mp3(7) as r:
        assert r.read() == BODY
    assert [q.url.path for q in server.requests] == ["/v1/recordings/7.mp3", "/v1/cdn/7.mp3"]

    elsewhere = httpx.Response(302, headers={"Location": "https://evil.example/7.mp3"})
    server = Server(elsewhere, ChunkStream(CHUNKS))
    with pytest.raises(media.RedirectError):
        with client(media, server).recordings.with_streaming_response.get_recording_mp3(7):
            pass
    assert len(server.requests) == 1  # nothing was sent to evil.example


# -- write_to_file ---------------------------------------------------------------------------------


def test_write_to_file_writes_the_whole_body(media: ModuleType, tmp_path: Path) -> None:
    target = tmp_path / "recording.mp3"
    with client(
        media, Server(ChunkStream(CHUNKS))
    ).recordings.with_streaming_response.get_recording_mp3(7) as r:
        r.write_to_file(target)
    assert target.read_bytes() == BODY and leftovers(tmp_path) == []


def test_a_failed_download_leaves_the_previous_file_and_no_partial_one(
    media: ModuleType, tmp_path: Path
) -> None:
    target = tmp_path / "recording.mp3"
    target.write_bytes(b"the previous, complete recording")
    api = client(media, Server(ChunkStream(CHUNKS, fail_after=2))).recordings
    with pytest.raises(media.APIConnectionError):
        with api.with_streaming_response.get_recording_mp3(7) as r:
            r.write_to_file(target)
    assert target.read_bytes() == b"the previous, complete recording"
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_write_to_file_replaces_a_planted_link_without_writing_through_it(
    media: ModuleType, tmp_path: Path
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"keep me")
    target = tmp_path / "recording.mp3"
    target.symlink_to(victim)
    with client(
        media, Server(ChunkStream(CHUNKS))
    ).recordings.with_streaming_response.get_recording_mp3(7) as r:
        r.write_to_file(target)
    assert victim.read_bytes() == b"keep me"
    assert not target.is_symlink() and target.read_bytes() == BODY


def test_write_to_file_gives_the_file_the_usual_permissions(
    media: ModuleType, tmp_path: Path
) -> None:
    umask = os.umask(0o022)
    try:
        target = tmp_path / "recording.mp3"
        with client(
            media, Server(ChunkStream(CHUNKS))
        ).recordings.with_streaming_response.get_recording_mp3(7) as r:
            r.write_to_file(target)
    finally:
        os.umask(umask)
    if os.name == "posix":
        assert target.stat().st_mode & 0o777 == 0o644  # as open(..., "wb") would make it


# -- async -----------------------------------------------------------------------------------------


def run(scenario: Callable[[], Any]) -> Any:
    return asyncio.run(scenario())


def test_async_streaming_reads_chunks_and_closes(media: ModuleType) -> None:
    stream = ChunkStream(CHUNKS)

    async def scenario() -> list[bytes]:
        async with async_client(media, Server(stream)) as made:
            async with made.recordings.with_streaming_response.get_recording_mp3(7) as response:
                assert response.status_code == 200 and stream.given == 0
                assert type(response).__name__ == "AsyncRawResponse"
                return [chunk async for chunk in response.iter_bytes()]

    assert run(scenario) == CHUNKS and stream.closed


def test_async_write_to_file_read_and_parse(media: ModuleType, tmp_path: Path) -> None:
    recording = httpx.Response(200, json={"id": 7})
    server = Server(ChunkStream(CHUNKS), ChunkStream(CHUNKS), recording)
    target = tmp_path / "recording.mp3"

    async def scenario() -> tuple[bytes, Any]:
        async with async_client(media, server) as made:
            api = made.recordings.with_streaming_response
            async with api.get_recording_mp3(7) as response:
                await response.write_to_file(target)
            async with api.get_recording_mp3(7) as response:
                read = await response.read()
            async with api.get_recording(7) as details:
                return read, await details.parse()

    read, parsed = run(scenario)
    assert target.read_bytes() == BODY and read == BODY and leftovers(tmp_path) == []
    assert type(parsed).__name__ == "Recording" and parsed.id == 7


def test_async_closes_on_error_and_raises_typed_errors(media: ModuleType, tmp_path: Path) -> None:
    stream = ChunkStream(CHUNKS, fail_after=1)
    missing_body = ChunkStream([b'{"message": "gone"}'])
    missing = httpx.Response(404, headers={"Content-Type": "application/json"}, stream=missing_body)
    server = Server(stream, missing)
    target = tmp_path / "recording.mp3"

    async def scenario() -> None:
        async with async_client(media, server, max_retries=2) as made:
            api = made.recordings.with_streaming_response
            with pytest.raises(media.APIConnectionError):
                async with api.get_recording_mp3(7) as response:
                    await response.write_to_file(target)
            with pytest.raises(media.NotFoundError, match="gone"):
                async with api.get_recording_mp3(7):
                    pass

    run(scenario)
    assert stream.closed and missing_body.closed
    assert not target.exists() and leftovers(tmp_path) == []
    assert len(server.requests) == 2  # the broken download was not sent again


def test_an_async_call_never_entered_sends_nothing_and_leaves_no_coroutine(
    media: ModuleType,
) -> None:
    server = Server(ChunkStream(CHUNKS))

    async def scenario() -> None:
        async with async_client(media, server) as made:
            made.recordings.with_streaming_response.get_recording_mp3(7)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run(scenario)
        gc.collect()  # an un-awaited coroutine warns when it is collected
    assert server.requests == []
    assert not [w for w in caught if "never awaited" in str(w.message)]


# -- what a type checker sees ------------------------------------------------------------------------

USER_PROGRAM = """\
from typing import assert_type

from media_client import AsyncMedia, AsyncRawResponse, Media, RawResponse
from media_client.models import Recording


def sync_use(client: Media) -> None:
    with client.recordings.with_streaming_response.get_recording_mp3(7) as audio:
        assert_type(audio, RawResponse[bytes])
        assert_type(audio.request_id, str | None)
        for chunk in audio.iter_bytes(chunk_size=1024):
            assert_type(chunk, bytes)
        audio.write_to_file("out.mp3")
    with client.recordings.with_streaming_response.get_recording(7) as details:
        assert_type(details.parse(), Recording)


async def async_use(client: AsyncMedia) -> None:
    async with client.recordings.with_streaming_response.get_recording_mp3(7) as audio:
        assert_type(audio, AsyncRawResponse[bytes])
        async for chunk in audio.iter_bytes():
            assert_type(chunk, bytes)
        await audio.write_to_file("out.mp3")
    async with client.recordings.with_streaming_response.get_recording(7) as details:
        assert_type(await details.parse(), Recording)


def wrong(client: Media) -> None:
    client.recordings.with_streaming_response.get_recording_mp3("seven")
"""


def test_mypy_sees_streamed_responses_and_the_operations_parameters(
    media: ModuleType, tmp_path: Path
) -> None:
    (tmp_path / "use.py").write_text(USER_PROGRAM, encoding="utf-8")
    package_root = Path(media.__file__).parents[1]
    run_mypy = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "use.py"],
        cwd=tmp_path,
        env={**os.environ, "MYPYPATH": str(package_root)},
        capture_output=True,
        text=True,
    )
    errors = [line for line in run_mypy.stdout.splitlines() if ": error:" in line]
    # The one error: the parameters are the operation's own (id: int).
    assert len(errors) == 1 and "use.py:29:" in errors[0], run_mypy.stdout + run_mypy.stderr


def test_the_readme_names_the_binary_operations(media: ModuleType) -> None:
    readme = (Path(media.__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    streaming = readme.split("## Streaming responses", 1)[1]
    assert "`client.recordings.get_recording_mp3`." in streaming
    assert "get_recording`" not in streaming  # the JSON one is not a download
