"""`orderdesk console` from an empty database: seeds, routes, checks, and answers a command."""

import functools
import io
import re
import sys

import bot.progress
from bot.config import Settings
from bot.console import run


def test_the_console_seeds_an_empty_database_and_answers_slash_commands(tmp_path, monkeypatch,
                                                                        capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    # the seed's bar drawn where its summary is printed, as on a terminal
    monkeypatch.setattr(bot.progress, "progress_bar",
                        functools.partial(bot.progress.progress_bar, file=sys.stdout))
    script = iter(["/order acme", "/orders queue", "select Snooze 4 hours", "home", "as U0SALES1",
                   "home", "quit"])
    output = io.StringIO()

    code = run(Settings.from_env(), orders=300, user="U0PROC1",
               input_fn=lambda _prompt="": next(script), output=output)

    shown = output.getvalue()
    assert code == 0
    printed = capsys.readouterr().out
    bar = [line for line in printed.split("\n") if "seed:" in line]
    assert len(bar) == 1 and bar[0].rsplit("\r", 1)[-1].startswith("seed: 100%"), printed
    summary = next(line for line in printed.split("\n") if "seeded 300 orders" in line)
    assert summary.startswith("seeded 300 orders (") and "\r" not in summary, printed
    assert "Acme Corporation" in shown  # the fuzzy lookup answered through the sandbox
    # The checks ran on the demo orders, so triage has work to show.
    assert re.search(r"\b[1-9]\d* open discrepanc", shown), shown[-2000:]
    # `home` renders the viewer's Home tab, by role (it once met "Unhandled request")
    assert "App Home updated" in shown and "ORDERDESK · PROCESSOR" in shown
    assert "My items" in shown and "ORDERDESK · SALES" in shown and "Awaiting payment" in shown
    assert "Unhandled request" not in shown
    # A menu picked as it shows: the app snoozed the item for 4 hours. Which menu is the newest
    # depends on the hour the test runs at (the demo's orders end at "now") and on when the
    # outbox posts: the item's own message in #order-triage redraws as snoozed, or, when the
    # checks' items arrived as one batched summary (no menus) or not yet, the queue's menu is
    # picked and its answer goes to the clicker. Either is the snooze confirmed where it was
    # asked. (Only the first was accepted; at 11:17 UTC the items were batched and it failed.)
    after = shown[shown.index("> select Snooze 4 hours"):]
    assert "· Snoozed · snoozed until" in after or ":white_check_mark: Snoozed. SO-" in after, \
        after[-3000:]


def test_the_console_shows_the_mail_loop_without_a_mail_server(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    script = iter(["/order SO-100250", 'click "Email customer"', "submit", "mail",
                   "reply 1 Yes, go ahead with the new price.", "quit"])
    output = io.StringIO()

    code = run(Settings.from_env(), orders=300, user="U0PROC1",
               input_fn=lambda _prompt="": next(script), output=output)

    shown = output.getvalue()
    assert code == 0
    assert re.search(r"1\. to \S+@\S+: ", shown), shown[-3000:]  # kept, listed
    assert re.search(r"the customer replied to mail 1: matched \S+ by in-reply-to", shown), \
        shown[-3000:]
    # No thread shows that order in Slack: the reply goes to the inbound_mail route.
    assert "Yes, go ahead with the new price." in shown
