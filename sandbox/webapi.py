"""Web API dispatch: token check, method lookup, call recording.

`handle(ws, method, params, token)` returns Slack's JSON body; the HTTP layer (server.py)
always answers it with HTTP 200, as Slack does for ok: false.
"""

from __future__ import annotations

import copy

# Importing the method modules registers their methods (scopes: which scope each needs).
from sandbox import (  # noqa: F401
    functions,
    scopes,
    unfurls,
    webapi_chat,
    webapi_conversations,
    webapi_files,
    webapi_views,
)
from sandbox.model import Call
from sandbox.state import Workspace
from sandbox.webapi_core import METHODS, ApiError, decode_json_params

NO_TOKEN_METHODS = {"api.test"}


def handle(ws: Workspace, name: str, params: dict, token: str | None,
           tokens: set[str]) -> dict:
    """Run one Web API method under the workspace lock and record the call."""
    params = decode_json_params(params)
    try:
        body = {"ok": True, **_run(ws, name, params, token, tokens)}
    except ApiError as exc:
        body = exc.body()
    ws.record_call(Call(method=name, params=copy.deepcopy(params), ok=body["ok"],
                        error=body.get("error"), response=body))
    return body


def _run(ws: Workspace, name: str, params: dict, token: str | None, tokens: set[str]) -> dict:
    if name == "api.test":
        return {"args": params}
    if not token:
        raise ApiError("not_authed")
    if token not in tokens:
        raise ApiError("invalid_auth")
    fn = METHODS.get(name)
    if fn is None:
        raise ApiError("unknown_method", req_method=name)
    with ws.lock:
        scopes.check(ws, name, params)
        return fn(ws, params)
