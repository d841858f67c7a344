"""The new part of a reply: the quoted history mail clients append is cut, at the first line
that starts it ("On … wrote:", "-----Original Message-----", an Outlook "From:" header block)
or at the first run of ">" lines that reaches the end. Small and predictable on purpose: a
line kept by mistake costs little, a reply cut short would lose what the customer said."""

from __future__ import annotations

import re

_STARTS = (
    re.compile(r"^\s*On\b.{0,300}\bwrote:\s*$", re.IGNORECASE),
    re.compile(r"^\s*-{2,}\s*Original Message\s*-{2,}\s*$", re.IGNORECASE),
    re.compile(r"^\s*_{10,}\s*$"),  # Outlook's rule above its header block
    re.compile(r"^\s*From:\s.+$"),
)
MAX_TEXT = 4000


def _starts_history(line: str, following: str) -> bool:
    # Clients wrap a long "On …, Name <a@b> wrote:" over two lines.
    return any(p.match(line) or p.match(f"{line} {following.strip()}") for p in _STARTS)


def new_part(text: str) -> str:
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for i, line in enumerate(lines):
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if _starts_history(line, following):
            break
        if line.lstrip().startswith(">") and all(
                not rest.strip() or rest.lstrip().startswith(">") for rest in lines[i:]):
            break
        kept.append(line)
    return "\n".join(kept).strip()[:MAX_TEXT]
