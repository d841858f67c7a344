"""Block Kit validation on the wire, as Slack does it (pure functions).

`validate_message_blocks(blocks)` and `validate_view(view)` return a list of human-readable
errors, each naming the JSON path ("blocks[3].text.text: 3001 characters, max 3000"); an empty
list means Slack would accept the payload. Limits follow docs.slack.dev (see DESIGN.md).
"""

from __future__ import annotations

from typing import Any

from sandbox.blockkit_elements import (
    ACCESSORY_TYPES,
    ACTIONS_TYPES,
    INPUT_TYPES,
    Ctx,
    check_element,
    check_image,
    check_keys,
    check_list,
    check_opt_text,
    check_str,
    check_text,
    kind_of,
)

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MESSAGE_BLOCK_TYPES = ("section", "header", "divider", "context", "actions", "image",
                       "rich_text", "markdown")
VIEW_BLOCK_TYPES = (*MESSAGE_BLOCK_TYPES, "input")

_BLOCK_KEYS = {
    "section": {"text", "fields", "accessory", "expand"},
    "header": {"text"},
    "divider": set(),
    "context": {"elements"},
    "actions": {"elements"},
    "input": {"label", "element", "hint", "optional", "dispatch_action"},
    "image": {"image_url", "slack_file", "alt_text", "title"},
    "rich_text": {"elements"},
    "markdown": {"text"},
}
_VIEW_KEYS = {"type", "title", "blocks", "close", "submit", "private_metadata", "callback_id",
              "clear_on_close", "notify_on_close", "external_id", "submit_disabled"}


def validate_message_blocks(blocks: Any, *, path: str = "blocks") -> list[str]:
    """Errors for the blocks of a message (chat.postMessage/update/postEphemeral, responses)."""
    ctx = Ctx()
    _check_blocks(blocks, path, ctx, max_n=MAX_MESSAGE_BLOCKS, types=MESSAGE_BLOCK_TYPES,
                  where="messages")
    return ctx.errors


def validate_view(view: Any, *, path: str = "view") -> list[str]:
    """Errors for a modal or Home tab view (views.open/update/push/publish, response_action)."""
    ctx = Ctx()
    if not isinstance(view, dict):
        ctx.err(path, f"must be a view object, got {kind_of(view)}")
        return ctx.errors
    vtype = view.get("type")
    if vtype not in ("modal", "home"):
        ctx.err(f"{path}.type", f"must be 'modal' or 'home', got {vtype!r}")
        return ctx.errors
    check_keys(view, _VIEW_KEYS, path, ctx)
    check_opt_text(view, "title", path, ctx, max_len=24, required=vtype == "modal")
    check_opt_text(view, "submit", path, ctx, max_len=24)
    check_opt_text(view, "close", path, ctx, max_len=24)
    check_str(view, "private_metadata", path, ctx, max_len=3000)
    check_str(view, "callback_id", path, ctx, max_len=255)
    check_str(view, "external_id", path, ctx, max_len=255)
    for key in ("clear_on_close", "notify_on_close", "submit_disabled"):
        if key in view and not isinstance(view[key], bool):
            ctx.err(f"{path}.{key}", f"must be a boolean, got {kind_of(view[key])}")
    blocks = view.get("blocks")
    if blocks is None:
        ctx.err(f"{path}.blocks", "required")
        return ctx.errors
    _check_blocks(blocks, f"{path}.blocks", ctx, max_n=MAX_VIEW_BLOCKS, types=VIEW_BLOCK_TYPES,
                  where="views")
    has_input = isinstance(blocks, list) and any(
        isinstance(b, dict) and b.get("type") == "input" for b in blocks)
    if vtype == "modal" and has_input and "submit" not in view:
        ctx.err(f"{path}.submit", "required when the modal has input blocks")
    return ctx.errors


def _check_blocks(blocks: Any, path: str, ctx: Ctx, *, max_n: int, types: tuple[str, ...],
                  where: str) -> None:
    if not isinstance(blocks, list):
        ctx.err(path, f"must be a list of blocks, got {kind_of(blocks)}")
        return
    if len(blocks) > max_n:
        ctx.err(path, f"{len(blocks)} blocks, max {max_n}")
    for i, block in enumerate(blocks):
        _check_block(block, f"{path}[{i}]", ctx, types=types, where=where)


def _check_block(block: Any, path: str, ctx: Ctx, *, types: tuple[str, ...], where: str) -> None:
    if not isinstance(block, dict):
        ctx.err(path, f"must be a block object, got {kind_of(block)}")
        return
    btype = block.get("type")
    if btype not in types:
        hint = " (input blocks are only allowed in modals and Home tabs)" if (
            btype == "input") else f" (known: {', '.join(types)})"
        ctx.err(f"{path}.type", f"unknown or unsupported block type {btype!r} in {where}{hint}")
        return
    check_keys(block, _BLOCK_KEYS[btype] | {"type", "block_id"}, path, ctx)
    if "block_id" in block:
        ctx.unique("block_id", block["block_id"], f"{path}.block_id")
    _BLOCK_CHECKS[btype](block, path, ctx)


def _check_section(block: dict, path: str, ctx: Ctx) -> None:
    if "text" not in block and "fields" not in block:
        ctx.err(path, "section needs text or fields")
    check_opt_text(block, "text", path, ctx, max_len=3000, plain=False)
    fields = check_list(block, "fields", path, ctx, min_n=1, max_n=10, required=False)
    for i, fld in enumerate(fields):
        check_text(fld, f"{path}.fields[{i}]", ctx, max_len=2000)
    if "accessory" in block:
        check_element(block["accessory"], f"{path}.accessory", ctx, allowed=ACCESSORY_TYPES,
                      where="a section accessory")


def _check_header(block: dict, path: str, ctx: Ctx) -> None:
    check_opt_text(block, "text", path, ctx, max_len=150, required=True)


def _check_divider(block: dict, path: str, ctx: Ctx) -> None:
    return None


def _check_context(block: dict, path: str, ctx: Ctx) -> None:
    for i, el in enumerate(check_list(block, "elements", path, ctx, min_n=1, max_n=10)):
        epath = f"{path}.elements[{i}]"
        if isinstance(el, dict) and el.get("type") == "image":
            check_keys(el, {"type", "image_url", "slack_file", "alt_text"}, epath, ctx)
            check_image(el, epath, ctx)
        else:
            check_text(el, epath, ctx, max_len=3000)


def _check_actions(block: dict, path: str, ctx: Ctx) -> None:
    for i, el in enumerate(check_list(block, "elements", path, ctx, min_n=1, max_n=25)):
        check_element(el, f"{path}.elements[{i}]", ctx, allowed=ACTIONS_TYPES,
                      where="an actions block")


def _check_input(block: dict, path: str, ctx: Ctx) -> None:
    check_opt_text(block, "label", path, ctx, max_len=2000, required=True)
    check_opt_text(block, "hint", path, ctx, max_len=2000)
    if "element" not in block:
        ctx.err(f"{path}.element", "required")
    else:
        check_element(block["element"], f"{path}.element", ctx, allowed=INPUT_TYPES,
                      where="an input block")
    for key in ("optional", "dispatch_action"):
        if key in block and not isinstance(block[key], bool):
            ctx.err(f"{path}.{key}", f"must be a boolean, got {kind_of(block[key])}")


def _check_image_block(block: dict, path: str, ctx: Ctx) -> None:
    check_image(block, path, ctx)
    check_opt_text(block, "title", path, ctx, max_len=2000)


def _check_rich_text(block: dict, path: str, ctx: Ctx) -> None:
    kinds = ("rich_text_section", "rich_text_list", "rich_text_preformatted", "rich_text_quote")
    for i, el in enumerate(check_list(block, "elements", path, ctx, min_n=1, max_n=100)):
        if not isinstance(el, dict) or el.get("type") not in kinds:
            ctx.err(f"{path}.elements[{i}]", f"must be one of {', '.join(kinds)}")


def _check_markdown(block: dict, path: str, ctx: Ctx) -> None:
    check_str(block, "text", path, ctx, max_len=12000, required=True)


_BLOCK_CHECKS = {
    "section": _check_section,
    "header": _check_header,
    "divider": _check_divider,
    "context": _check_context,
    "actions": _check_actions,
    "input": _check_input,
    "image": _check_image_block,
    "rich_text": _check_rich_text,
    "markdown": _check_markdown,
}
