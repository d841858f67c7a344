"""Sales reps' questions in plain words, answered: the threads feature's store operations.

    answer = answer_question(db, text="has PO 7781 shipped?", user_id="U0SALES1",
                             role=Role.SALES, policy="status", now=clock.now(),
                             thread=ThreadRef("C0ORDERS", "1732...."))

One read transaction finds the orders and states their facts (follow / unfollow commands
write through store.questions.follows). The Answer is cut to what the asker may see: the desk sees
everything; a rep sees their own accounts in full and others' per `policy`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import select

from store import clock
from store.db import Database
from store.enums import Role
from store.errors import OrderNotFound, Outsider
from store.lookup import CODE, MAX_QUERY_CHARS, check_length, processed, snapshot
from store.models import Order
from store.questions import follows
from store.questions.facts import order_answers
from store.questions.find import (
    Found,
    likely,
    match_customers,
    orders_by_keys,
    select_orders,
)
from store.questions.parse import clean_text, parse_question
from store.records import load_order
from store.refs import ref_prefixes
from store.views.questions import (
    ASK,
    CANDIDATES,
    FOLLOW,
    FOLLOWED,
    HELP,
    IGNORED,
    ITEMS,
    NEEDS_ORDER,
    NO_MATCH,
    OPEN,
    ORDER,
    ORDERS,
    UNFOLLOW,
    UNFOLLOWED,
    Answer,
    Question,
    ThreadRef,
)
from store.workspace import Viewer

__all__ = ["answer_question", "answer_order", "Answer", "ThreadRef"]

LIST_LIMIT = 10


def answer_question(db: Database, *, text: str, user_id: str, role: Role | str | None,
                    policy: str, now: datetime, thread: ThreadRef | None = None,
                    addressed: bool = True, limit: int = LIST_LIMIT, offset: int = 0,
                    viewer: Viewer | None = None, tz: str = "UTC",
                    day_first: bool = False) -> Answer:
    """Read `text` and answer it for `user_id`, dates in words in their zone `tz` (and
    slash dates day first with `day_first`: '3/4' is the 3rd of April in Spanish). Follow
    commands need `thread`.

    `addressed=False` is a message in a followed thread that did not mention the app: it is
    answered only when it asks something (IGNORED for "thanks!" and other chatter).
    Raises InputTooLong beyond MAX_QUERY_CHARS (ignored instead when not addressed)."""
    if len(clean_text(text)) > MAX_QUERY_CHARS:
        if not addressed:  # a long paste in a followed thread is chatter, not a question
            return Answer(kind=IGNORED, question=parse_question("", now=now))
        check_length(clean_text(text), "question")
    with db.read() as session:
        prefixes = ref_prefixes(session)
    question = parse_question(text, now=now, prefixes=prefixes, tz=tz, day_first=day_first)
    if not addressed and question.command == ASK and not (
            question.names_anything or question.wants):
        return Answer(kind=IGNORED, question=question)
    if question.command == HELP:
        return Answer(kind=IGNORED if not addressed else HELP, question=question)
    viewer = viewer or _viewer(user_id, role, policy)
    if question.command in (FOLLOW, UNFOLLOW) and viewer.is_outsider:
        # As the Follow button: another organisation's people may look up and ask, no more.
        raise Outsider(linked=viewer.account_id is not None)
    if question.command in (FOLLOW, UNFOLLOW) and thread is not None:
        return _follow_command(db, question, user_id=user_id, thread=thread, now=now,
                               viewer=viewer, limit=limit)
    answer = _ask(db, question, viewer=viewer, now=now, thread=thread, limit=limit,
                  offset=max(0, offset))
    if not addressed and answer.kind in (NO_MATCH, NEEDS_ORDER):
        return Answer(kind=IGNORED, question=question)
    return answer


def answer_order(db: Database, *, ref: str, user_id: str, role: Role | str | None,
                 policy: str, now: datetime, viewer: Viewer | None = None) -> Answer:
    """One order in detail (a Details / candidate button). Raises OrderNotFound (also for an
    order the viewer may not see at all)."""
    with db.read() as session:
        question = parse_question(ref, now=now, prefixes=ref_prefixes(session))
        order = load_order(session, ref)
        found = order_answers(session, [order.id], viewer=viewer or _viewer(user_id, role, policy),
                              today=clock.date_of(now), detailed=True)
    if not found:
        raise OrderNotFound(ref.strip())
    return Answer(kind=ORDER, question=question, orders=tuple(found), total=1,
                  customers=(found[0].customer_name,))


def _viewer(user_id: str, role: Role | str, policy: str) -> Viewer:
    return Viewer(user_id=user_id, role=Role(role) if role is not None else None, policy=policy)


def _ask(db: Database, question: Question, *, viewer: Viewer, now: datetime,
         thread: ThreadRef | None, limit: int, offset: int = 0) -> Answer:
    """`offset`: a later page of a list (its More button), found as the first `offset +
    limit` and cut."""
    snap = snapshot(db) if question.words or _codes(question) else None
    with db.read() as session:
        found, searched = _find(session, snap, question, viewer=viewer, now=now,
                                thread=thread, limit=offset + limit)
        if found is None:
            return Answer(kind=NEEDS_ORDER, question=question)
        if found.undated:
            question = replace(question, dates=None)
        # A fallback ("nothing late for Stark; the latest instead") is a list, even of one:
        # shown as the order alone, it read as the answer to the question.
        single = len(found.ids) == 1 and not found.ambiguous and not found.fallback
        page = found.ids[offset:offset + limit] if not single else found.ids[:limit]
        # "What did Initech order?" asks for the lines of each order listed, not only one's.
        orders = order_answers(session, page, viewer=viewer, today=clock.date_of(now),
                               matched=found.matched, detailed=single or ITEMS in question.wants)
    if not orders:
        return Answer(kind=NO_MATCH, question=question, searched=searched,
                      customers=tuple(found.customers), note=_note(found))
    kind = CANDIDATES if found.ambiguous else ORDER if single else ORDERS
    return Answer(kind=kind, question=question, orders=tuple(orders),
                  total=max(found.total, len(orders)), total_is_floor=found.floor,
                  customers=tuple(found.customers), searched=searched, note=_note(found),
                  fallback=found.fallback, offset=0 if single else offset,
                  named=found.by_keys)


def _find(session, snap, question: Question, *, viewer: Viewer, now: datetime,
          thread: ThreadRef | None, limit: int) -> tuple[Found | None, tuple[str, ...]]:
    searched: list[str] = []
    if question.keys:
        searched += ["order refs", "PO numbers", "tracking numbers"]
        found = orders_by_keys(session, question.keys, limit, ref_prefixes(session))
        if viewer.is_outsider or viewer.shared:
            # Another account's ref reads as one that does not exist, with a word beside it too.
            _keep_account(session, found, viewer.account_id)
        if found.ids or not (question.words or _codes(question)):
            return found, tuple(searched)
    elif thread is not None and not (question.words or _codes(question) or question.mine):
        # "is it late?" in a thread that follows an order is about that order, not a search
        # of every account's late orders (the policy still cuts what the viewer sees).
        refs = follows.followed_refs(session, channel_id=thread.channel_id,
                                     thread_ts=thread.thread_ts)
        if refs:
            found = Found()
            for oid, ref in refs:
                found.add(oid, f"followed in this thread ({ref})")
            found.total = len(found.ids)
            return found, ()
    if question.words or _codes(question) or question.mine or question.dates \
            or question.filters or viewer.is_outsider or viewer.shared:
        return _by_customer(session, snap, question, viewer=viewer, now=now, limit=limit,
                            searched=searched)
    return None, ()


def _keep_account(session, found: Found, account_id: int | None) -> None:
    ours = set(session.scalars(select(Order.id).where(
        Order.id.in_(found.ids), Order.customer_id == account_id))) if found.ids else set()
    found.ids = [oid for oid in found.ids if oid in ours]
    found.total = len(found.ids)


def _by_customer(session, snap, question: Question, *, viewer: Viewer, now: datetime,
                 limit: int, searched: list[str]) -> tuple[Found, tuple[str, ...]]:
    found = Found()
    customer_ids = None
    if viewer.is_outsider or viewer.shared:
        # A linked channel: its account's orders only, whatever name was asked about.
        customer_ids = [viewer.account_id] if viewer.account_id is not None else []
    elif question.words or _codes(question):
        searched += ["customer names", "customer codes"]
        hits = likely(match_customers(session, snap, question.words, _codes(question)),
                      question.words)
        named = _date_word_as_name(session, snap, question, hits)
        if named is not None:  # "orders from Jan Kowalski": a person, not January
            hits, found.undated = named, True
        found.customers = [h.name for h in hits]
        if not hits:
            return found, tuple(searched)
        customer_ids = [h.id for h in hits]
        found.ambiguous = len(hits) > 1
    rep = viewer.user_id if question.mine else None
    dates, filters = None if found.undated else question.dates, question.filters
    ids, total, floor = select_orders(session, today=clock.date_of(now), customer_ids=customer_ids,
                                      rep_id=rep, dates=dates, filters=filters, limit=limit)
    if not ids and customer_ids is not None and (dates or filters):
        # "Nothing late for Globex": say so, and show where its orders are instead.
        found.fallback = True
        ids, total, floor = select_orders(session, today=clock.date_of(now), customer_ids=customer_ids,
                                          limit=3)
    elif not (dates or filters) and customer_ids is not None:
        ids, total, floor = _current_orders(session, now, customer_ids, limit)
    for oid in ids:
        found.add(oid, ", ".join(found.customers) or "")
    found.total, found.floor = total, floor
    return found, tuple(searched)


# Words that lead a date phrase, not part of a name: "from Jan", "de Julio".
_DATE_LEADS = frozenset({"in", "during", "for", "of", "since", "from", "on", "de", "en",
                         "durante", "desde", "del"})


def _date_word_as_name(session, snap, question: Question, hits: list) -> list | None:
    """The customers the question names if the month or weekday it was read to mean is the
    first word of a name ('Jan Kowalski', 'Julio Fernández', 'August Industries'); None when
    the date reading stands: the word must be part of the name found, found at least as well
    as by the words without it."""
    if question.dates is None or not question.words:
        return None
    words = [w for w in question.dates.phrase.split() if w.lower() not in _DATE_LEADS]
    if len(words) != 1 or not words[0].isalpha():
        return None
    together = f"{words[0]} {question.words}"
    named = likely(match_customers(session, snap, together, _codes(question)), together)
    # The word must be in the name found: 'August Initech' finds Initech as well as 'Initech'
    # does, and there August is the month.
    if named and processed(words[0]) in processed(named[0].name).split() \
            and (not hits or named[0].score >= hits[0].score):
        return named
    return None


def _current_orders(session, now: datetime, customer_ids: list[int], limit: int):
    """A customer's orders still in progress; if none, its latest three."""
    ids, total, floor = select_orders(session, today=clock.date_of(now), customer_ids=customer_ids,
                                      filters=(OPEN,), limit=limit)
    if ids:
        return ids, total, floor
    return select_orders(session, today=clock.date_of(now), customer_ids=customer_ids, limit=3)


def _codes(question: Question) -> tuple[str, ...]:
    return tuple(k.text for k in question.keys if k.kind == CODE)


def _note(found: Found) -> str | None:
    return "; ".join(found.notes) or None


def _follow_command(db: Database, question: Question, *, user_id: str, thread: ThreadRef,
                    now: datetime, viewer: Viewer, limit: int) -> Answer:
    if question.command == UNFOLLOW:
        refs = follows.unfollow(db, channel_id=thread.channel_id, thread_ts=thread.thread_ts,
                                refs=[k.text for k in question.keys] or None)
        return Answer(kind=UNFOLLOWED, question=question, refs=refs)
    asked = _ask(db, question, viewer=viewer, now=now, thread=thread, limit=limit)
    if question.keys and asked.kind in (ORDER, ORDERS, CANDIDATES) and not asked.named:
        # "follow SO-99999 for Acme": no such order; Acme's current orders are not it.
        return Answer(kind=NO_MATCH, question=question, searched=asked.searched)
    exact = asked.kind == ORDER or (asked.kind == ORDERS and asked.named)
    if asked.kind in (ORDERS, CANDIDATES) and not exact:
        return replace(asked, note="Which one? Open it with its button and press Follow")
    if not exact:
        return asked
    refs = []
    for order in asked.orders:
        follows.follow(db, ref=order.ref, channel_id=thread.channel_id,
                       thread_ts=thread.thread_ts, user_id=user_id)
        refs.append(order.ref)
    return Answer(kind=FOLLOWED, question=question, orders=asked.orders, refs=tuple(refs))

