"""What each console command does, and how the console reports what changed afterwards."""

from __future__ import annotations

import shlex
from typing import Any, Callable, TextIO

from sandbox.acting import send_text, settle
from sandbox.locate import button_by_text, find_target, resolve_channel, select_by_text
from sandbox.model import Delivery, Message, View
from sandbox.render_text import render_blocks, render_message, render_view, view_as
from sandbox.viewstate import find_elements, find_input_by_label


class ConsoleActions:
    def __init__(self, sb: Any, *, user: str, channel: str, output: TextIO) -> None:
        self.sb, self.out = sb, output
        self.user = self._user_id(user)
        view_as(sb.ws.users[self.user].tz)  # times read as this user's Slack shows them
        self.channel = resolve_channel(sb.ws, channel).id
        self.thread_ts: str | None = None
        self.on_message: Message | None = None  # `on <n> click …`: the message acted on
        self.mail: Any = None  # the app's customer-mail hooks (run_console's `mail`)

    # -- output --------------------------------------------------------------------------
    def say(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def prompt(self) -> str:
        chan = self.sb.ws.channels[self.channel]
        where = f"@{self._names().get(chan.im_user, '')} DM" if chan.is_im else f"#{chan.name}"
        thread = f" thread {self._number(self.thread_ts)}" if self.thread_ts else ""
        return f"{self._names().get(self.user, self.user)} in {where}{thread}> "

    def _names(self) -> dict[str, str]:
        """Ids to names, users and channels alike, as Slack shows `<@U…>` and `<#C…>`."""
        return {**{c.id: c.name for c in self.sb.ws.channels.values() if not c.is_im},
                **{u.id: u.name for u in self.sb.ws.users.values()}}

    def _user_id(self, ref: str) -> str:
        user = self.sb.ws.find_user(ref)
        if user is None:
            raise LookupError(f"no user {ref!r} (users: "
                              f"{', '.join(u.name for u in self.sb.ws.users.values())})")
        return user.id

    def _number(self, ts: str | None) -> int | None:
        msgs = self.sb.ws.top_level(self.channel)
        return next((i for i, m in enumerate(msgs, 1) if m.ts == ts), None)

    def _message_number(self, n: int) -> Message:
        msgs = (self.sb.ws.replies(self.channel, self.thread_ts) if self.thread_ts
                else self.sb.ws.top_level(self.channel))
        if not 1 <= n <= len(msgs):
            raise LookupError(f"no message {n} here ({len(msgs)} messages)")
        return msgs[n - 1]

    # -- acting and reporting ------------------------------------------------------------
    def _act(self, action: Callable[[], Delivery | None]) -> None:
        since = self.sb.version
        known = {(m.channel, m.ts) for ms in self.sb.ws.messages.values() for m in ms}
        delivery = action()
        settle(self.sb, since)
        self._report(delivery, since, known)

    def _report(self, delivery: Delivery | None, since: int, known: set) -> None:
        for problem in delivery.problems if delivery is not None else []:
            self.say(f"! {problem}"[:400])
        changes = self.sb.changed_since(since)
        names = self._names()
        for msg in changes["messages"]:
            if msg.user == self.user:
                continue  # your own message: you just typed it
            self.say(self._describe(msg, names, (msg.channel, msg.ts) in known))
        for msg in changes["ephemerals"]:
            if msg.recipient == self.user:
                self.say(render_message(msg, users=names))
        for view in changes["views"]:
            if view.user == self.user:
                self.say(self._describe_view(view, names))
        if not any(changes.values()):
            self.say("(nothing changed)")

    def _describe(self, msg: Message, names: dict, updated: bool) -> str:
        chan = self.sb.ws.channels[msg.channel]
        label = f"DM with @{names.get(chan.im_user)}" if chan.is_im else f"#{chan.name}"
        where = "" if msg.channel == self.channel else f"in {label}: "
        state = "deleted " if msg.deleted else "updated " if updated else ""
        if msg.is_reply and not msg.reply_broadcast:
            number = self._number(msg.thread_ts) if msg.channel == self.channel else None
            where += f"{state}reply in thread {number or msg.thread_ts}: "
            return where + render_message(msg, users=names)
        index = self.sb.ws.top_level(msg.channel, include_deleted=True).index(msg) + 1
        return where + state + render_message(msg, users=names, index=index)

    def _describe_view(self, view: View, names: dict) -> str:
        if view.type == "home":
            return "App Home updated:\n" + render_view(view, users=names)
        if not view.is_open:
            return f"(modal {view.callback_id or view.id} closed)"
        return render_view(view, users=names)

    # -- commands ------------------------------------------------------------------------
    def do_slash(self, command: str, text: str) -> None:
        self._act(lambda: send_text(self.sb, f"{command} {text}", user=self.user,
                                    channel=self.channel))

    def do_mention(self, text: str) -> None:
        self._act(lambda: send_text(self.sb, f"@orderdesk {text}", user=self.user,
                                    channel=self.channel, thread_ts=self.thread_ts))

    def do_say(self, text: str) -> None:
        self._act(lambda: send_text(self.sb, text, user=self.user, channel=self.channel,
                                    thread_ts=self.thread_ts))

    def do_dm(self, text: str) -> None:
        self._act(lambda: self.sb.dm(text, user=self.user))

    def do_on(self, rest: str) -> None:
        """`on 3 click Resolve`, `on 3 select Snooze 4 hours`: act on message 3 (here, or in
        the thread you are in), not on the newest that has it."""
        number, _, command = rest.partition(" ")
        word, _, args = command.strip().partition(" ")
        if not number.isdigit() or word.lower() not in ("click", "select"):
            raise ValueError("usage: on <message number> click <button> | select <option>")
        self.on_message = self._message_number(int(number))
        try:
            (self.do_click if word.lower() == "click" else self.do_select)(args)
        finally:
            self.on_message = None

    def _scope(self) -> list | None:
        return [self.on_message] if self.on_message is not None else None

    def do_click(self, rest: str) -> None:
        args = self.split(rest)
        number = int(args.pop()) if len(args) > 1 and args[-1].isdigit() else None
        label = " ".join(args)
        records = [self._message_number(number)] if number is not None else self._scope()
        target = button_by_text(self.sb.ws, label, user=self.user, records=records)
        if target is None:
            raise LookupError(f"no button {label!r} on your modals or recent messages")
        self._act(lambda: self.sb.click(target.element["action_id"], user=self.user,
                                        message=target.message, view=target.view,
                                        block_id=target.block.get("block_id")))

    def do_select(self, rest: str) -> None:
        """`select Snooze 4 hours` (the menu as shown, then the option), `select 4 hours`, or
        `select <action_id> <value or option text>`."""
        args = self.split(rest)
        if not args:
            raise ValueError("usage: select <menu> <option>, e.g. select Snooze 4 hours")
        try:
            target = find_target(self.sb.ws, args[0], user=self.user, message=self.on_message,
                                 view=None)
            value = " ".join(args[1:])
        except LookupError:
            found = select_by_text(self.sb.ws, " ".join(args), user=self.user,
                                   records=self._scope())
            if found is None:
                raise LookupError(f"no menu with an option {' '.join(args)!r} on your modals "
                                  "or recent messages") from None
            target, option = found
            value = str(option.get("value"))
        if not value:
            raise ValueError(f"which option? select {args[0]} <option>")
        if target.element.get("type", "").endswith("users_select"):
            value = self._user_id(value)
        self._act(lambda: self.sb.click(target.element["action_id"], user=self.user,
                                        message=target.message, view=target.view,
                                        block_id=target.block.get("block_id"), value=value))

    def do_submit(self, rest: str) -> None:
        stack = self.sb.views(self.user)
        if not stack:
            raise LookupError("you have no open modal")
        view = stack[-1]
        values = dict(self._field(view, token) for token in shlex.split(rest))
        self._act(lambda: self.sb.submit(view, values, user=self.user))

    def _field(self, view: View, token: str) -> tuple[str, Any]:
        name, sep, value = token.partition("=")
        if not sep:
            raise ValueError(f"expected field=value, got {token!r}")
        found = find_elements(view.blocks, name)
        pair = found[0] if found else find_input_by_label(view.blocks, name)
        if pair is None:
            raise LookupError(f"the modal has no field {name!r}")
        block, element = pair
        etype = element.get("type", "")
        parsed: Any = value
        if etype.startswith("multi_") or etype == "checkboxes":
            parsed = [v.strip() for v in value.split(",") if v.strip()]
        if etype.endswith("users_select"):
            parsed = [self._user_id(v) for v in parsed] if isinstance(parsed, list) else (
                self._user_id(value))
        return f"{block['block_id']}.{element['action_id']}", parsed or None

    def do_close(self, rest: str) -> None:
        stack = self.sb.views(self.user)
        if not stack:
            raise LookupError("you have no open modal")
        self._act(lambda: self.sb.close_view(stack[-1], user=self.user))

    def do_as(self, rest: str) -> None:
        self.user = self._user_id(rest)
        self.say(f"(you are now @{self._names()[self.user]})")

    def do_in(self, rest: str) -> None:
        self.channel = resolve_channel(self.sb.ws, rest).id
        self.thread_ts = None
        self.do_show("")

    def do_thread(self, rest: str) -> None:
        if not rest:
            self.thread_ts = None
            self.say("(back in the channel)")
            return
        self.thread_ts = None
        self.thread_ts = self._message_number(int(rest)).ts
        self.do_show("")

    def do_show(self, rest: str) -> None:
        names = self._names()
        if rest:
            chan, thread = resolve_channel(self.sb.ws, rest).id, None
        else:
            chan, thread = self.channel, self.thread_ts
        if thread:
            parent = self.sb.ws.find_message(chan, thread)
            msgs = [parent, *self.sb.ws.replies(chan, thread)] if parent else []
        else:
            msgs = self.sb.ws.top_level(chan)
        start = 0 if thread else 1
        for i, msg in enumerate(msgs, start):
            self.say(render_message(msg, users=names, index=i if i else None))
        if not msgs:
            self.say("(no messages)")

    def do_home(self, rest: str) -> None:
        self._act(lambda: self.sb.open_home(self.user))

    def do_mail(self, rest: str) -> None:
        if self.mail is None:
            raise LookupError("customer email is not wired into this console")
        self.say("\n".join(self.mail.listing()) or "(no mail sent this session)")

    def do_reply(self, rest: str) -> None:
        number, _, text = rest.partition(" ")
        if self.mail is None:
            raise LookupError("customer email is not wired into this console")
        if not number.isdigit() or not text.strip():
            raise ValueError("usage: reply <n> <text>  (n from `mail`)")
        self._act(lambda: self.say(self.mail.reply(int(number), text.strip())))

    def do_paste(self, rest: str) -> None:
        d = self.sb.paste(rest, user=self.user, channel=self.channel, thread_ts=self.thread_ts)
        if not d.sent:
            self.say("(posted; no link on the app's unfurl domains)")
            return
        try:
            self.sb.wait_for(lambda: d.message.unfurls, timeout=5.0)
        except AssertionError:
            self.say("(the app did not unfurl it)")
            return
        for url, attachment in d.message.unfurls.items():
            self.say(f"{url} unfurls:\n" + render_blocks(attachment.get("blocks") or []))

    def do_workflow(self, rest: str) -> None:
        """Run a step as a workflow would, with "Run by" (user_id) set to you."""
        words = self.split(rest)
        if not words:
            raise ValueError("usage: workflow <step> key=value ... (steps: "
                             + ", ".join(sorted(self.sb.ws.functions)) + ")")
        inputs = dict(w.split("=", 1) for w in words[1:] if "=" in w)
        d = self.sb.run_function(words[0], inputs, run_by=self.user)
        self.sb.wait_for(lambda: self.sb.execution(d.execution_id).state != "running")
        run = self.sb.execution(d.execution_id)
        if run.state == "failed":
            self.say(f"Step {words[0]} failed: {run.error}")
            return
        self.say(f"Step {words[0]} completed:")
        for key, value in (run.outputs or {}).items():
            self.say(f"  {key}: {value}")

    def do_views(self, rest: str) -> None:
        names = self._names()
        home = self.sb.home(self.user)
        shown = [*self.sb.views(self.user), *([home] if home else [])]
        for view in shown:
            self.say(render_view(view, users=names))
        if not shown:
            self.say("(no open modals)")
