"""`orderdesk console`: talk to the app through the sandbox from a terminal.

A REPL in the spirit of Hubot's shell adapter and Errbot's text backend. Each line is one
thing a Slack user does; afterwards the console prints what changed (new and updated
messages, ephemerals for you, modals opened/updated/closed), rendered as text.
"""

from __future__ import annotations

import builtins
import shlex
import sys
from typing import Any, Callable, TextIO

from sandbox.console_actions import ConsoleActions

HELP = """\
  /order SO-1042           run a slash command in the current channel
  @orderdesk where is X    mention the bot here (in the current thread, if any)
  dm <text>                send the bot a direct message
  <any other text>         say something in the current channel/thread
  click <label|action_id> [n]   press a button (newest first; n = message number;
                           `click Next` finds "Next 10 ›")
  select Snooze 4 hours    pick an option as shown: the menu, then the option
  select <action_id> <value>    …or by action_id and value (or its text)
  on <n> click|select …    act on message n, not the newest that has it
  submit field=value a="two words"   submit the open modal (fields: action_id or label)
  close                    close the open modal
  as <user>                act as another user (id or name: U0SALES1, sam)
  in #channel              move to another channel
  thread <n> | thread      enter the thread of message n | leave the thread
  show [#channel]          list a channel's messages (or the current thread)
  views                    show your open modals and App Home
  home                     open the app's Home tab
  paste <text with a link>  post a message with links (they unfurl on the app's domains)
  workflow <step> k=v ...  run a Workflow Builder step as you: workflow lookup_order ref=SO-1042
  mail                     the customer mails sent this session (kept here, never sent)
  reply <n> <text>         the customer answers mail n (it comes back in through /connect/mail)
  help | quit"""

# The same, for a console user whose Slack is in Spanish (the sandbox's users.info locale).
# The console's own words stay as typed (click, submit, as…); the app's keywords have aliases.
HELP_ES = """\
  /order SO-1042           un comando de barra en el canal actual (/order editar SO-1042,
                           /order historial SO-1042, /orders cola: los de inglés también valen)
  @orderdesk dónde está X  menciona al bot aquí (en el hilo actual, si lo hay)
  dm <texto>               envía un mensaje directo al bot
  <cualquier otro texto>   di algo en el canal o hilo actual
  click <etiqueta|action_id> [n]   pulsa un botón (el más reciente primero; n = número de
                           mensaje; `click Next` encuentra "Next 10 ›")
  select Snooze 4 hours    elige una opción tal como se ve: el menú y luego la opción
  select <action_id> <valor>    …o por action_id y valor (o su texto)
  on <n> click|select …    actúa sobre el mensaje n, no el más reciente que lo tenga
  submit campo=valor a="dos palabras"   envía el modal abierto (campos: action_id o etiqueta;
                           números como los escribes: precio=12,50)
  close                    cierra el modal abierto
  as <usuario>             actúa como otra persona (id o nombre: U0SALES1, sam)
  in #canal                ve a otro canal
  thread <n> | thread      entra en el hilo del mensaje n | sal del hilo
  show [#canal]            lista los mensajes de un canal (o del hilo actual)
  views                    muestra tus modales abiertos y la App Home
  home                     abre la pestaña Inicio de la app
  paste <texto con enlace>  publica un mensaje con enlaces (se despliegan en los dominios de la app)
  workflow <paso> k=v ...  ejecuta un paso de Workflow Builder: workflow lookup_order ref=SO-1042
  mail                     los correos a clientes de esta sesión (guardados aquí, nunca enviados)
  reply <n> <texto>        el cliente responde al correo n (vuelve por /connect/mail)
  help | ayuda | quit"""


def help_for(locale: str) -> str:
    """The console's help in the user's Slack language ("es-ES", "es-US": Spanish)."""
    return HELP_ES if locale.lower().startswith("es") else HELP


def run_console(sb: Any, *, user: str = "U0PROC1", channel: str = "C0ORDERS",
                input_fn: Callable[[str], str] = input, output: TextIO = sys.stdout,
                mail: Any = None) -> None:
    """Run the REPL until `quit` or end of input. `mail`: the app's customer-mail hooks
    (`.listing()`, `.reply(n, text)`), for `mail` and `reply`."""
    console = Console(sb, user=user, channel=channel, output=output)
    console.mail = mail
    echo = input_fn is not builtins.input  # scripted input: show it so transcripts read well
    console.say("Orderdesk console - you are talking to the app through the Slack sandbox. "
                "Type `help`.")
    while True:
        prompt = console.prompt()
        try:
            line = input_fn(prompt)
        except (EOFError, KeyboardInterrupt):
            break
        if echo:
            console.say(prompt + line)
        if not console.handle(line.strip()):
            break
    console.say("bye")


class Console(ConsoleActions):
    """Parses one line at a time; the actions themselves live in ConsoleActions."""

    def handle(self, line: str) -> bool:
        """Run one line; False means quit."""
        if not line:
            return True
        try:
            return self._dispatch(line)
        except (LookupError, ValueError) as exc:
            self.say(f"! {exc.args[0] if exc.args else exc}")
            return True

    def _dispatch(self, line: str) -> bool:
        word, _, rest = line.partition(" ")
        word, rest = word.lower(), rest.strip()
        if word in ("quit", "exit"):
            return False
        if line.startswith("/"):
            self.do_slash(line.split(" ")[0], rest)
        elif word in ("@orderdesk", "@bot", f"<@{self.sb.bot_user_id.lower()}>"):
            self.do_mention(rest)
        elif word in self._COMMANDS:
            getattr(self, self._COMMANDS[word])(rest)
        elif word in ("help", "ayuda", "?"):
            # asking in Spanish is answered in Spanish, whatever the user's Slack language
            self.say(help_for("es" if word == "ayuda" else self.sb.ws.users[self.user].locale))
        else:
            self.do_say(line)
        return True

    _COMMANDS = {"dm": "do_dm", "click": "do_click", "select": "do_select",
                 "submit": "do_submit", "close": "do_close", "as": "do_as", "in": "do_in",
                 "thread": "do_thread", "show": "do_show", "views": "do_views",
                 "home": "do_home", "workflow": "do_workflow",
                 "paste": "do_paste", "on": "do_on", "mail": "do_mail", "reply": "do_reply"}

    @staticmethod
    def split(rest: str) -> list[str]:
        try:
            return shlex.split(rest)
        except ValueError as exc:
            raise ValueError(f"could not parse {rest!r}: {exc}") from exc
