"""One Jinja2 environment that renders Block Kit JSON templates safely.

Every value passes through `mrkdwn` (escapes & < >, so a customer named
`<!channel>` pings nobody) or `plain`, and then `tojson`, so quotes and newlines
stay valid JSON. StrictUndefined turns a missing field into an error, not a blank.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from messages import i18n, text
from store.control_chars import TEXT_LIMITS

TEMPLATES = Path(__file__).with_name("templates")

_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    undefined=StrictUndefined,
    autoescape=False,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=False,
    auto_reload=False,  # templates ship with the code: no stat() per render to check them
    extensions=["jinja2.ext.i18n"],
)
# {% trans %} and _() in templates read the reader's locale (messages.i18n) at render time.
_env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True,
                               pgettext=i18n.pgettext)
_env.filters.update(
    mrkdwn=text.mrkdwn,
    plain=text.plain,
    money=text.money,
    amount=text.amount,
    when=text.when,
    day=text.day,
    label=text.label,
    count=text.count,
    number=i18n.number,
    # One encoder for every value: json.dumps with any non-default option builds a new
    # JSONEncoder per call, and a card renders ~20 values.
    tojson=json.JSONEncoder(ensure_ascii=False).encode,
)
# Free-text inputs take the store's own limits as max_length (`limits.hold_note`).
_env.globals["limits"] = TEXT_LIMITS


def render(template: str, **context: Any) -> Any:
    """Render `template` (a .json.j2 file) and parse it: the result is a plain dict or list."""
    source = _env.get_template(template).render(**context)
    try:
        return json.loads(source)
    except json.JSONDecodeError as exc:  # a template bug, never user input: say where
        raise ValueError(f"{template} rendered invalid JSON at {exc.lineno}:{exc.colno}: {exc.msg}")
