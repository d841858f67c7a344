"""Workflow Builder's custom steps: Slack runs a step of the app's (a manifest `functions`
entry) by sending `function_executed`, and the app ends it with functions.completeSuccess
(outputs checked against the step's output parameters) or functions.completeError.

    sb.define_functions(manifest["functions"])
    d = sb.run_function("lookup_order", {"ref": "SO-1042"}, run_by="U0PROC1")
    sb.wait_for(lambda: sb.execution(d.execution_id).state != "running")

Each run carries a function token (`xwfp-…`, accepted by the Web API while the step runs), as
Slack's does; Bolt calls the Web API with it. An input of type `slack#/types/user_context` has
no field in Workflow Builder: Slack fills it from the person who ran the workflow (`run_by`),
as {"id", "secret"}, and a builder can't set it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from sandbox import payloads
from sandbox.model import Delivery
from sandbox.player import Player
from sandbox.state import Workspace
from sandbox.webapi_core import ApiError, method, required

RUNNING, COMPLETED, FAILED = "running", "completed", "failed"
USER_CONTEXT = "slack#/types/user_context"


@dataclass
class Execution:
    id: str
    callback_id: str
    inputs: dict
    token: str
    state: str = RUNNING
    outputs: dict | None = None
    error: str | None = None
    completions: list[str] = field(default_factory=list)  # every complete call, refused too


class Functions:
    ws: Workspace
    player: Player
    tokens: set[str]

    def define_functions(self, functions: dict) -> None:
        """The manifest's `functions`: {callback_id: {title, input_parameters, ...}}."""
        with self.ws.lock:
            self.ws.functions.update(functions)

    def run_function(self, callback_id: str, inputs: dict, *,
                     execution_id: str | None = None, run_by: str | None = None) -> Delivery:
        """A workflow reaches the app's step: `function_executed`. Workflow Builder only
        offers declared steps and only runs them with their required inputs filled; a
        user_context input is the person who ran it (`run_by`), never a builder's value."""
        with self.ws.lock:
            spec = self.ws.functions.get(callback_id)
            if spec is None:
                raise LookupError(f"no step {callback_id!r} in the manifest's functions")
            params = spec.get("input_parameters") or {}
            inputs = dict(inputs)
            for name, p in params.items():
                if p.get("type") != USER_CONTEXT:
                    continue
                if name in inputs:
                    raise ValueError(f"Workflow Builder has no field for {name!r}: a "
                                     "user_context is set by Slack, not by a builder")
                if run_by:
                    inputs[name] = {"id": run_by, "secret": secrets.token_hex(16)}
            missing = [k for k, p in params.items() if p.get("is_required") and not inputs.get(k)]
            if missing:
                raise ValueError(f"Workflow Builder requires {missing} for {callback_id}")
            run = self.ws.executions.get(execution_id or "")
            if run is None:
                run = Execution(id=execution_id or "Fx" + secrets.token_hex(5).upper(),
                                callback_id=callback_id, inputs=dict(inputs),
                                token="xwfp-" + secrets.token_hex(12))
                self.ws.executions[run.id] = run
            self.tokens.add(run.token)
            event = {"type": "function_executed", "function": _function_obj(
                         self.ws, callback_id, spec),
                     "inputs": run.inputs, "function_execution_id": run.id,
                     "workflow_execution_id": "Wx" + secrets.token_hex(5).upper(),
                     "event_ts": self.ws.next_ts(), "bot_access_token": run.token}
        envelope = payloads.event_envelope(self.ws, event)
        delivery = self.player.send_json("event", "function_executed", envelope)
        delivery.execution_id = run.id
        return delivery

    def execution(self, execution_id: str) -> Execution:
        with self.ws.lock:
            return self.ws.executions[execution_id]


def _function_obj(ws: Workspace, callback_id: str, spec: dict) -> dict:
    def params(key: str) -> list[dict]:
        return [{"name": name, **p} for name, p in (spec.get(key) or {}).items()]
    return {"id": "Fn" + secrets.token_hex(5).upper(), "callback_id": callback_id,
            "title": spec.get("title", callback_id), "description": spec.get("description", ""),
            "type": "app", "input_parameters": params("input_parameters"),
            "output_parameters": params("output_parameters"), "app_id": ws.app_id,
            "date_created": 0, "date_updated": 0, "date_deleted": 0}


def _running(ws: Workspace, params: dict, how: str) -> Execution:
    run = ws.executions.get(required(params, "function_execution_id"))
    if run is None:
        raise ApiError("function_execution_not_found")
    run.completions.append(how)
    if run.state != RUNNING:
        raise ApiError("execution_not_in_running_state")
    return run


@method("functions.completeSuccess")
def complete_success(ws: Workspace, params: dict) -> dict:
    run = _running(ws, params, COMPLETED)
    outputs = params.get("outputs")
    if not isinstance(outputs, dict):
        raise ApiError("invalid_arguments", errors=["outputs must be an object"])
    spec = (ws.functions.get(run.callback_id) or {}).get("output_parameters") or {}
    problems = [f"unknown output {k!r}" for k in outputs if k not in spec]
    problems += [f"missing required output {k!r}" for k, p in spec.items()
                 if p.get("is_required") and outputs.get(k) in (None, "")]
    if problems:
        raise ApiError("parameter_validation_failed", errors=problems)
    run.state, run.outputs = COMPLETED, outputs
    ws.touch()
    return {}


@method("functions.completeError")
def complete_error(ws: Workspace, params: dict) -> dict:
    run = _running(ws, params, FAILED)
    run.state, run.error = FAILED, required(params, "error")
    ws.touch()
    return {}
