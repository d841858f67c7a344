"""Questions sales reps ask, in their words, and the orders that answer them (threads desk,
NOW = Wed 25 Nov 2026). Kept as data: add a phrasing when a real question was misread.

kind: "order" (one order in detail), "orders" (a compact list), "candidates" (which one?),
"no_match". refs: exactly the orders the answer must name, in any order.
how: "mention" (@Orderdesk in #orders), "thread" (@Orderdesk inside a thread), "dm".
"""

from __future__ import annotations

from dataclasses import dataclass

SALES1, SALES2, PROCESSOR = "U0SALES1", "U0SALES2", "U0PROC1"


@dataclass(frozen=True)
class Phrasing:
    text: str
    refs: tuple[str, ...]
    kind: str
    how: str = "mention"
    user: str = SALES1
    why: str = ""

    @property
    def id(self) -> str:
        return self.text[:48]


def _p(text, refs, kind, how="mention", user=SALES1, why=""):
    return Phrasing(text, tuple(refs.split()) if refs else (), kind, how, user, why)


PHRASINGS = [
    # The issue's own examples.
    _p("status of SO-1042?", "SO-1042", "order"),
    _p("where's the Acme order from last week", "SO-1042", "order", why="last week = 16-22 Nov"),
    _p("has PO 7781 shipped?", "SO-1042", "order"),
    _p("anything late for Globex?", "SO-1050", "order", user=SALES2),
    _p("tracking for 1Z999AA10123456784", "SO-1044", "order"),
    _p("what did Initech order yesterday", "SO-1052 SO-1053", "orders", user=SALES2),
    # Mixed case, typos, punctuation.
    _p("STATUS OF so-1043", "SO-1043", "order", how="dm"),
    _p("statsu of so1044??", "SO-1044", "order"),
    _p("whats up with acme corportaion", "SO-1042 SO-1045", "orders", why="open + draft"),
    _p("any news on globx?", "SO-1050", "order", user=SALES2, why="typo; its only open order"),
    _p("umbrela corp orders", "SO-1055 SO-1056", "orders", why="none open: the latest"),
    _p("so-10422", "SO-1042", "order", why="one typo away, one candidate"),
    _p("Shipping status for GLOBEX LTD", "SO-1050", "order", how="dm", user=SALES2),
    _p("hey where's 1042", "SO-1042", "order", how="thread"),
    _p("where is order #1045", "SO-1045", "order"),
    _p("Any update on P.O. 7781?", "SO-1042", "order", how="dm"),
    _p("trakcing for 1Z 999 AA1 01 2345 6784", "SO-1044", "order", why="spaced UPS number"),
    _p("so-1O42 status", "SO-1042", "order", how="dm", why="the letter O for a zero"),
    # Several orders in one question.
    _p("SO-1042 and SO-1044", "SO-1042 SO-1044", "orders"),
    _p("so 1042, so 1043 and 1044 please", "SO-1042 SO-1043 SO-1044", "orders", how="thread"),
    _p("status SO-1042 SO-1043 SO-1044 SO-1045", "SO-1042 SO-1043 SO-1044 SO-1045", "orders"),
    _p("eta on beta industrial supply", "SO-1043 SO-1044", "orders", how="dm"),
    # Other keys.
    _p("PO INI-5521", "SO-1052", "order", user=SALES2),
    _p("did 4500012345 ship", "SO-1043", "order", why="a PO shaped like a DHL number"),
    _p("Tracking number for SO-1051?", "SO-1051", "order", user=SALES2),
    _p("ACME", "SO-1042 SO-1045", "orders", how="dm", why="a customer code"),
    # Dates in words.
    _p("initech since Monday", "SO-1052 SO-1053", "orders", user=SALES2),
    _p("Umbrella orders in October", "SO-1055 SO-1056", "orders"),
    _p("orders from Nov 20", "SO-1042", "order", user=PROCESSOR),
    _p("what came in on Monday", "SO-1045 SO-1059", "orders", user=PROCESSOR),
    _p("acme orders in September", "SO-1060", "order"),
    _p("Globex, last 2 weeks", "SO-1046 SO-1051", "orders", user=SALES2),
    _p("Did Initech's order from the 3rd of November arrive?", "SO-1054", "order", how="dm"),
    _p("what did globex order this month", "SO-1046 SO-1050 SO-1051", "orders", how="thread"),
    _p("what did acme order last friday", "SO-1042", "order"),
    _p("orders yesterday", "SO-1046 SO-1052 SO-1053", "orders", user=PROCESSOR),
    _p("what did acme order between oct 1 and nov 21", "SO-1042", "order"),
    # Status words that narrow.
    _p("anything on hold for beta?", "SO-1043", "order"),
    _p("anything late?", "SO-1050", "order", user=PROCESSOR),
    _p("what's late for my accounts", "SO-1050", "order", user=SALES2),
    _p("any canceled orders for globex", "SO-1046", "order", how="thread", user=SALES2),
    _p("Has the Wayne order shipped yet?", "SO-1059", "order"),
    _p("Wayne Enterprises, tracking?", "SO-1059", "order", how="dm"),
    _p("Stark Industries", "SO-1057", "order", why="the whole name is not ambiguous"),
    # Ambiguous: which one?
    _p("stark order", "SO-1057 SO-1058", "candidates", why="two Stark customers"),
    _p("where's the stark order from last week", "SO-1057 SO-1058", "candidates"),
    _p("where's 104?", "SO-1042 SO-1043 SO-1044 SO-1045 SO-1046 SO-1054", "candidates",
       why="a digit short: every ref one typo away"),
    _p("whats up w/ the Stark Industrial Supply order", "SO-1058", "order", how="thread",
       why="the whole name picks one of the two Starks"),
    # Nothing found.
    _p("what did Hooli order yesterday", "", "no_match"),
    _p("SO-9999", "", "no_match", how="dm"),
    _p("zzqx nothing like this", "", "no_match", how="thread"),
]
