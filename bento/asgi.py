"""Small ASGI helpers the service's layers share: whole answers and whole bodies."""

from __future__ import annotations

from typing import Any

from bento import problems


def json_messages(status: int, body: bytes, media_type: str = "application/json") -> tuple:
    """The two ASGI messages of an answer whose body is already encoded."""
    start = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", media_type.encode()),
            (b"content-length", str(len(body)).encode()),
        ],
    }
    return start, {"type": "http.response.body", "body": body}


def problem_messages(problem: problems.Problem) -> tuple:
    """The two ASGI messages of a problem-details answer."""
    return json_messages(problem.status, problem.body(), problems.PROBLEM_MEDIA_TYPE)


async def send_problem(send: Any, problem: problems.Problem) -> None:
    for message in problem_messages(problem):
        await send(message)


async def read_body(receive: Any) -> bytes | None:
    """The whole request body (bounded by request_limits.py); None if the client left."""
    chunks, more = [], True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)


def header(scope: dict, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None
