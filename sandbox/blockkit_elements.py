"""Block Kit element and composition-object checks (pure functions used by blockkit.py).

Every check appends human-readable errors that name the JSON path, e.g.
"blocks[2].accessory.text.text: 76 characters, max 75".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

SELECTS = {"static_select", "external_select", "users_select", "conversations_select",
           "channels_select"}
MULTI_SELECTS = {"multi_" + s for s in SELECTS}
_PICKERS = {"datepicker", "timepicker", "checkboxes", "radio_buttons"}
ACCESSORY_TYPES = {"button", "overflow", "image", *_PICKERS, *SELECTS, *MULTI_SELECTS}
ACTIONS_TYPES = {"button", "overflow", "datetimepicker", "workflow_button", "rich_text_input",
                 *_PICKERS, *SELECTS, *MULTI_SELECTS}
INPUT_TYPES = {"plain_text_input", "email_text_input", "url_text_input", "number_input",
               "rich_text_input", "file_input", "datetimepicker",
               *_PICKERS, *SELECTS, *MULTI_SELECTS}

_COMMON = {"type", "action_id", "confirm", "focus_on_load", "placeholder"}
_ALLOWED_KEYS: dict[str, set[str]] = {
    "button": {"type", "action_id", "text", "value", "url", "style", "confirm",
               "accessibility_label"},
    "workflow_button": {"type", "action_id", "text", "workflow", "style", "accessibility_label"},
    "overflow": {"type", "action_id", "options", "confirm"},
    "image": {"type", "image_url", "slack_file", "alt_text"},
    "static_select": _COMMON | {"options", "option_groups", "initial_option"},
    "external_select": _COMMON | {"initial_option", "min_query_length"},
    "users_select": _COMMON | {"initial_user"},
    "conversations_select": _COMMON | {"initial_conversation", "default_to_current_conversation",
                                       "response_url_enabled", "filter"},
    "channels_select": _COMMON | {"initial_channel", "response_url_enabled"},
    "datepicker": _COMMON | {"initial_date"},
    "timepicker": _COMMON | {"initial_time", "timezone"},
    "datetimepicker": _COMMON - {"placeholder"} | {"initial_date_time"},
    "checkboxes": _COMMON - {"placeholder"} | {"options", "initial_options"},
    "radio_buttons": _COMMON - {"placeholder"} | {"options", "initial_option"},
    "plain_text_input": _COMMON - {"confirm"} | {"initial_value", "multiline", "min_length",
                                                  "max_length", "dispatch_action_config"},
    "email_text_input": _COMMON - {"confirm"} | {"initial_value", "dispatch_action_config"},
    "url_text_input": _COMMON - {"confirm"} | {"initial_value", "dispatch_action_config"},
    "number_input": _COMMON - {"confirm"} | {"is_decimal_allowed", "initial_value", "min_value",
                                              "max_value", "dispatch_action_config"},
    "rich_text_input": _COMMON - {"confirm"} | {"initial_value", "dispatch_action_config"},
    "file_input": {"type", "action_id", "filetypes", "max_files"},
}
for _multi in MULTI_SELECTS:
    _base = _ALLOWED_KEYS[_multi.removeprefix("multi_")]
    _ALLOWED_KEYS[_multi] = {k for k in _base if not k.startswith("initial_")} | {
        "max_selected_items", "initial_options", "initial_users", "initial_conversations",
        "initial_channels"}

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass
class Ctx:
    """Errors so far plus the ids seen, for uniqueness within one message or view."""

    errors: list[str] = field(default_factory=list)
    action_ids: dict[str, str] = field(default_factory=dict)
    block_ids: dict[str, str] = field(default_factory=dict)

    def err(self, path: str, msg: str) -> None:
        self.errors.append(f"{path}: {msg}")

    def unique(self, kind: str, value: Any, path: str) -> None:
        seen = self.action_ids if kind == "action_id" else self.block_ids
        if not isinstance(value, str) or not value:
            self.err(path, f"{kind} must be a non-empty string")
        elif len(value) > 255:
            self.err(path, f"{len(value)} characters, max 255")
        elif value in seen:
            self.err(path, f"duplicate {kind} {value!r} (also at {seen[value]})")
        else:
            seen[value] = path


def kind_of(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def check_keys(obj: dict, allowed: set[str], path: str, ctx: Ctx) -> None:
    for key in sorted(set(obj) - allowed):
        ctx.err(f"{path}.{key}", f"unknown field for {obj.get('type', 'this object')!r}")


def check_str(obj: dict, key: str, path: str, ctx: Ctx, *, max_len: int,
              required: bool = False) -> None:
    value = obj.get(key)
    if value is None:
        if required:
            ctx.err(f"{path}.{key}", "required")
        return
    if not isinstance(value, str):
        ctx.err(f"{path}.{key}", f"must be a string, got {kind_of(value)}")
    elif required and not value:
        ctx.err(f"{path}.{key}", "must not be empty")
    elif len(value) > max_len:
        ctx.err(f"{path}.{key}", f"{len(value)} characters, max {max_len}")


def check_text(obj: Any, path: str, ctx: Ctx, *, max_len: int, plain: bool = False) -> None:
    """A text object: {"type": "plain_text"|"mrkdwn", "text": "..."}."""
    if not isinstance(obj, dict):
        ctx.err(path, f"must be a text object {{type, text}}, got {kind_of(obj)}")
        return
    allowed = ("plain_text",) if plain else ("plain_text", "mrkdwn")
    if obj.get("type") not in allowed:
        ctx.err(f"{path}.type", f"must be {' or '.join(allowed)}, got {obj.get('type')!r}")
    check_keys(obj, {"type", "text", "emoji", "verbatim"}, path, ctx)
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        ctx.err(f"{path}.text", "required, must be a non-empty string")
    elif len(text) > max_len:
        ctx.err(f"{path}.text", f"{len(text)} characters, max {max_len}")


def check_opt_text(obj: dict, key: str, path: str, ctx: Ctx, *, max_len: int,
                   plain: bool = True, required: bool = False) -> None:
    if key in obj:
        check_text(obj[key], f"{path}.{key}", ctx, max_len=max_len, plain=plain)
    elif required:
        ctx.err(f"{path}.{key}", "required")


def check_list(obj: dict, key: str, path: str, ctx: Ctx, *, min_n: int, max_n: int,
               required: bool = True) -> list:
    value = obj.get(key)
    if value is None:
        if required:
            ctx.err(f"{path}.{key}", "required")
        return []
    if not isinstance(value, list):
        ctx.err(f"{path}.{key}", f"must be a list, got {kind_of(value)}")
        return []
    if len(value) < min_n:
        ctx.err(f"{path}.{key}", f"{len(value)} items, min {min_n}")
    elif len(value) > max_n:
        ctx.err(f"{path}.{key}", f"{len(value)} items, max {max_n}")
    return value


def check_option(opt: Any, path: str, ctx: Ctx, *, plain: bool = True, url: bool = False) -> None:
    if not isinstance(opt, dict):
        ctx.err(path, f"must be an option object, got {kind_of(opt)}")
        return
    check_keys(opt, {"text", "value", "description", "url"} if url else
               {"text", "value", "description"}, path, ctx)
    check_opt_text(opt, "text", path, ctx, max_len=75, plain=plain, required=True)
    check_str(opt, "value", path, ctx, max_len=150, required=True)
    check_opt_text(opt, "description", path, ctx, max_len=75, plain=plain)
    check_str(opt, "url", path, ctx, max_len=3000)


def check_options(el: dict, path: str, ctx: Ctx, *, max_n: int, plain: bool = True,
                  url: bool = False) -> list[dict]:
    opts = check_list(el, "options", path, ctx, min_n=1, max_n=max_n)
    for i, opt in enumerate(opts):
        check_option(opt, f"{path}.options[{i}]", ctx, plain=plain, url=url)
    return [o for o in opts if isinstance(o, dict)]


def check_confirm(el: dict, path: str, ctx: Ctx) -> None:
    conf = el.get("confirm")
    if conf is None:
        return
    p = f"{path}.confirm"
    if not isinstance(conf, dict):
        ctx.err(p, f"must be a confirm object, got {kind_of(conf)}")
        return
    check_opt_text(conf, "title", p, ctx, max_len=100, required=True)
    check_opt_text(conf, "text", p, ctx, max_len=300, plain=False, required=True)
    check_opt_text(conf, "confirm", p, ctx, max_len=30, required=True)
    check_opt_text(conf, "deny", p, ctx, max_len=30, required=True)


def check_image(el: dict, path: str, ctx: Ctx) -> None:
    if not el.get("image_url") and not el.get("slack_file"):
        ctx.err(path, "image needs image_url or slack_file")
    check_str(el, "image_url", path, ctx, max_len=3000)
    check_str(el, "alt_text", path, ctx, max_len=2000, required=True)


def check_element(el: Any, path: str, ctx: Ctx, *, allowed: set[str], where: str) -> None:
    """One interactive (or image) element inside a section, actions or input block."""
    if not isinstance(el, dict):
        ctx.err(path, f"must be an element object, got {kind_of(el)}")
        return
    etype = el.get("type")
    if etype not in allowed:
        ctx.err(f"{path}.type", f"{etype!r} is not allowed in {where} "
                f"(allowed: {', '.join(sorted(allowed))})")
        return
    check_keys(el, _ALLOWED_KEYS[etype], path, ctx)
    if etype == "image":
        check_image(el, path, ctx)
        return
    if "action_id" in el or etype in ("button", "workflow_button"):
        ctx.unique("action_id", el.get("action_id"), f"{path}.action_id")
    check_opt_text(el, "placeholder", path, ctx, max_len=150)
    check_confirm(el, path, ctx)
    _TYPE_CHECKS.get(etype, _check_nothing)(el, path, ctx)


def _check_nothing(el: dict, path: str, ctx: Ctx) -> None:
    return None


def _check_button(el: dict, path: str, ctx: Ctx) -> None:
    check_opt_text(el, "text", path, ctx, max_len=75, required=True)
    check_str(el, "value", path, ctx, max_len=2000)
    check_str(el, "url", path, ctx, max_len=3000)
    check_str(el, "accessibility_label", path, ctx, max_len=75)
    if el.get("style") not in (None, "primary", "danger"):
        ctx.err(f"{path}.style", f"must be 'primary' or 'danger', got {el.get('style')!r}")


def _check_static_select(el: dict, path: str, ctx: Ctx) -> None:
    options: list[dict] = []
    if ("options" in el) == ("option_groups" in el):
        ctx.err(path, "static select needs exactly one of options or option_groups")
    elif "options" in el:
        options = check_options(el, path, ctx, max_n=100)
    else:
        groups = check_list(el, "option_groups", path, ctx, min_n=1, max_n=100)
        for i, group in enumerate(groups):
            gpath = f"{path}.option_groups[{i}]"
            if not isinstance(group, dict):
                ctx.err(gpath, f"must be an option group, got {kind_of(group)}")
                continue
            check_opt_text(group, "label", gpath, ctx, max_len=75, required=True)
            options += check_options(group, gpath, ctx, max_n=100)
    _check_initial(el, path, ctx, options)


def _check_initial(el: dict, path: str, ctx: Ctx, options: list[dict]) -> None:
    values = {o.get("value") for o in options}
    initial = [el["initial_option"]] if isinstance(el.get("initial_option"), dict) else []
    initial += [o for o in el.get("initial_options") or [] if isinstance(o, dict)]
    for opt in initial:
        if opt.get("value") not in values:
            ctx.err(f"{path}.initial_option", f"value {opt.get('value')!r} is not one of options")
    if "initial_option" in el and not isinstance(el["initial_option"], dict):
        ctx.err(f"{path}.initial_option", "must be an option object")


def _check_multi(el: dict, path: str, ctx: Ctx) -> None:
    if el.get("type") == "multi_static_select":
        _check_static_select(el, path, ctx)
    n = el.get("max_selected_items")
    if n is not None and (not isinstance(n, int) or n < 1):
        ctx.err(f"{path}.max_selected_items", "must be an integer >= 1")


def _check_overflow(el: dict, path: str, ctx: Ctx) -> None:
    check_list(el, "options", path, ctx, min_n=1, max_n=5)
    for i, opt in enumerate(el.get("options") or []):
        check_option(opt, f"{path}.options[{i}]", ctx, url=True)


def _check_choices(el: dict, path: str, ctx: Ctx) -> None:
    options = check_options(el, path, ctx, max_n=10, plain=False)
    _check_initial(el, path, ctx, options)


def _check_datepicker(el: dict, path: str, ctx: Ctx) -> None:
    value = el.get("initial_date")
    if value is not None and not (isinstance(value, str) and _DATE.match(value)):
        ctx.err(f"{path}.initial_date", f"must be YYYY-MM-DD, got {value!r}")


def _check_timepicker(el: dict, path: str, ctx: Ctx) -> None:
    value = el.get("initial_time")
    if value is not None and not (isinstance(value, str) and _TIME.match(value)):
        ctx.err(f"{path}.initial_time", f"must be HH:mm, got {value!r}")


def _check_text_input(el: dict, path: str, ctx: Ctx) -> None:
    check_str(el, "initial_value", path, ctx, max_len=3000)
    lo, hi = el.get("min_length"), el.get("max_length")
    for key, value, low in (("min_length", lo, 0), ("max_length", hi, 1)):
        if value is not None and (not isinstance(value, int) or not low <= value <= 3000):
            ctx.err(f"{path}.{key}", f"must be an integer {low}..3000, got {value!r}")
    if isinstance(lo, int) and isinstance(hi, int) and lo > hi:
        ctx.err(path, f"min_length {lo} is greater than max_length {hi}")


def _check_number_input(el: dict, path: str, ctx: Ctx) -> None:
    if not isinstance(el.get("is_decimal_allowed"), bool):
        ctx.err(f"{path}.is_decimal_allowed", "required, must be a boolean")
    for key in ("initial_value", "min_value", "max_value"):
        value = el.get(key)
        if value is not None and not re.fullmatch(r"-?\d+(\.\d+)?", str(value)):
            ctx.err(f"{path}.{key}", f"must be a number string, got {value!r}")


_TYPE_CHECKS = {
    "button": _check_button,
    "workflow_button": _check_button,
    "static_select": _check_static_select,
    "overflow": _check_overflow,
    "checkboxes": _check_choices,
    "radio_buttons": _check_choices,
    "datepicker": _check_datepicker,
    "timepicker": _check_timepicker,
    "plain_text_input": _check_text_input,
    "number_input": _check_number_input,
    **{m: _check_multi for m in MULTI_SELECTS},
}
