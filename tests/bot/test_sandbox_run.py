"""`orderdesk sandbox` from an empty database: seeds, prints its URL, and the page it serves
answers a slash command through the sandbox, with the demo's people in its user switcher."""

import json
import urllib.request

from bot.cli import _parser
from bot.config import Settings
from bot.console import run_web


def test_the_sandbox_page_serves_the_demo_and_answers_a_command(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    seen = {}

    def use(page):
        body = json.dumps({"user": "U0PROC1", "channel": "C0ORDERS", "text": "/order acme"})
        request = urllib.request.Request(page.url + "api/command", data=body.encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            seen["answer"] = json.loads(response.read())
        with urllib.request.urlopen(page.url + "api/state", timeout=10) as response:
            seen["state"] = json.loads(response.read())

    code = run_web(Settings.from_env(), orders=300, user="U0PROC1", port=0, host="127.0.0.1",
                   until=use)

    assert code == 0 and seen["answer"]["ok"], seen
    assert "Orderdesk sandbox: http://127.0.0.1:" in capsys.readouterr().out
    state = seen["state"]
    assert state["channel"] == "C0ORDERS" and "Acme" in json.dumps(state["messages"])
    labels = {u["id"]: u["label"] for u in state["users"]}
    assert labels == {"U0ADMIN": "Ada (admin)", "U0PROC1": "Priya (processor)",
                      "U0SALES1": "Sam (rep)", "U0SALES2": "Sofia (rep)",
                      "U0MGR1": "Max (manager)"}


def test_the_cli_knows_the_sandbox_command():
    args = _parser().parse_args(["sandbox", "--port", "0"])
    assert args.port == 0 and args.run.__name__ == "_sandbox"
    assert _parser().parse_args(["sandbox"]).port == 3000
