"""files.getUploadURLExternal, the upload URL itself, files.completeUploadExternal, files.info.

This is the flow slack_sdk's files_upload_v2 drives: get a URL per file, POST the raw bytes
to it, then complete the upload, which shares the files in a channel as one message.
"""

from __future__ import annotations

from sandbox.model import File, Message
from sandbox.state import Workspace
from sandbox.webapi_chat import thread_root
from sandbox.webapi_core import ApiError, channel_param, int_param, method, required


@method("files.getUploadURLExternal")
def get_upload_url(ws: Workspace, params: dict) -> dict:
    filename = required(params, "filename")
    length = int_param(params, "length", 0)
    if length <= 0:
        raise ApiError("invalid_arguments", errors=["length must be a positive integer"])
    file = File(id=ws.new_id("F"), name=filename, title=filename, length=length,
                alt_txt=params.get("alt_txt"))
    ws.files[file.id] = file
    return {"upload_url": f"{ws.base_url}upload/{file.id}", "file_id": file.id}


def receive_upload(ws: Workspace, file_id: str, data: bytes) -> tuple[int, str]:
    """POST <upload_url>: Slack answers 200 "OK - <bytes>"."""
    with ws.lock:
        file = ws.files.get(file_id)
        if file is None:
            return 404, "file_not_found"
        file.data = data
        ws.touch()
        return 200, f"OK - {len(data)}"


@method("files.completeUploadExternal")
def complete_upload(ws: Workspace, params: dict) -> dict:
    items = params.get("files")
    if not isinstance(items, list) or not items:
        raise ApiError("invalid_arguments", errors=["files must be a JSON list of {id, title}"])
    files = []
    for item in items:
        file = ws.files.get(str(item.get("id")))
        if file is None or file.data is None:
            raise ApiError("file_not_found")
        file.title = item.get("title") or file.title
        file.user = ws.bot_user
        files.append(file)
    targets = [c for c in str(params.get("channels") or "").split(",") if c]
    if params.get("channel_id"):
        targets.insert(0, params["channel_id"])
    for target in targets:
        chan = channel_param(ws, {"channel": target})
        for file in files:
            file.channels.append(chan.id)
        msg = Message(channel=chan.id, ts=ws.next_ts(), user=ws.bot_user, bot_id=ws.bot_id,
                      text=str(params.get("initial_comment") or ""),
                      thread_ts=thread_root(ws, chan.id, params.get("thread_ts") or None),
                      files=[f.to_api(ws.base_url) for f in files])
        ws.add_message(msg)
    return {"files": [f.to_api(ws.base_url) for f in files]}


@method("files.info")
def files_info(ws: Workspace, params: dict) -> dict:
    file = ws.files.get(required(params, "file", "file_not_found"))
    if file is None or file.data is None:
        raise ApiError("file_not_found")
    return {"file": file.to_api(ws.base_url)}
