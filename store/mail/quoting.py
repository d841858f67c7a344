"""The new part of a reply: the quoted history mail clients append is cut, at the first line
that starts it ("On … wrote:" and its Spanish, French, German, Portuguese, Italian and Dutch
forms, "-----Original Message-----" and its translations, an Outlook header block) or at the
first run of ">" lines that reaches the end. A customer who answered below the quote (Apple
Mail, Thunderbird) keeps the lines they wrote between and after the quoted ones. Small and
predictable on purpose: a line kept by mistake costs little, a reply cut short would lose what
the customer said. One pass over the lines: a mail is any size a sender makes it."""

from __future__ import annotations

import re

# "On Mon, 7 Dec 2026 at 10:00, Orders <orders@desk.example> wrote:", in the languages the
# desk's customers write in.
_ATTRIBUTION = re.compile(
    r"^\s*(?:On|El|Le|Am|Em|Il|Op)\b.{0,300}\b(?:wrote|escribió|escribio|a écrit|schrieb"
    r"|escreveu|ha scritto|schreef)\b.{0,120}:\s*$", re.IGNORECASE)
_SEPARATOR = re.compile(
    r"^\s*-{2,}\s*(?:Original Message|Mensaje original|Ursprüngliche Nachricht"
    r"|Message d'origine|Mensagem original|Messaggio originale|Oorspronkelijk bericht)"
    r"\s*-{2,}\s*$", re.IGNORECASE)
_RULE = re.compile(r"^\s*_{10,}\s*$")  # Outlook's rule above its header block
_FROM = re.compile(r"^\s*From:\s.+$")
# Outlook's header block in another language: "De:" / "Von:" … followed by the date line.
_FROM_ELSEWHERE = re.compile(r"^\s*(?:De|Von|Da|Van|Fra)\s*:\s.+$", re.IGNORECASE)
_SENT = re.compile(r"^\s*(?:Sent|Enviado(?: el)?|Gesendet|Envoyé|Inviato|Verzonden|Date|Fecha"
                   r"|Datum|Data)\s*:\s", re.IGNORECASE)
MAX_TEXT = 4000


def _history_at(line: str, following: str) -> str | None:
    """'attribution', 'block' (a separator or header block: all below is the old mail) or
    None. Clients wrap a long "On …, Name <a@b> wrote:" over two lines."""
    if _ATTRIBUTION.match(line) or _ATTRIBUTION.match(f"{line} {following.strip()}"):
        return "attribution"
    if _SEPARATOR.match(line) or _RULE.match(line) or _FROM.match(line) or (
            _FROM_ELSEWHERE.match(line) and _SENT.match(following)):
        return "block"
    return None


def _quoted(line: str) -> bool:
    return line.lstrip().startswith(">")


def new_part(text: str) -> str:
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    # quoted_to_end[i]: every line from i on is quoted or blank (computed once, from the end).
    quoted_to_end = [True] * (len(lines) + 1)
    for i in range(len(lines) - 1, -1, -1):
        quoted_to_end[i] = quoted_to_end[i + 1] and (not lines[i].strip() or _quoted(lines[i]))
    kept: list[str] = []
    for i, line in enumerate(lines):
        history = _history_at(line, lines[i + 1] if i + 1 < len(lines) else "")
        if history is None and not (_quoted(line) and quoted_to_end[i]):
            kept.append(line)
            continue
        if not "\n".join(kept).strip() and history != "block":
            # Nothing above the quote: answered below it. Their lines are the unquoted ones.
            kept = [rest for j, rest in enumerate(lines[i:], start=i)
                    if not _quoted(rest) and _history_at(
                        rest, lines[j + 1] if j + 1 < len(lines) else "") is None]
        break
    return "\n".join(kept).strip()[:MAX_TEXT]
