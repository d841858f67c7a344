"""A modal submission changes things once: the token claimed with the change, a repeat
answered from the stored answer, a refused submission leaving the token free."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from store.errors import ValidationFailed
from store.models import Counter, Submission
from store.workspace import forget_submissions, submit_once
from tests.support.clock import days_ago


def bump(db, refuse: bool = False) -> int:
    """A store operation: one write, joined by submit_once's."""
    with db.write() as s:
        row = s.get(Counter, "n") or Counter(name="n", value=0)
        s.add(row)
        row.value += 1
        s.flush()
        if refuse:
            raise ValidationFailed({"qty": "no"})
        return row.value


def counter(db) -> int:
    with db.read() as s:
        return s.scalar(select(Counter.value).where(Counter.name == "n")) or 0


def once(db, token, refuse=False):
    return submit_once(db, token=token, kind="test", actor="U0PROC1",
                       work=lambda: bump(db, refuse), answer=lambda n: {"text": f"now {n}"})


def test_the_same_token_runs_once_and_answers_the_same(db):
    first, again = once(db, "tok-1"), once(db, "tok-1")
    assert (first.result, first.answer, first.repeat) == (1, {"text": "now 1"}, False)
    assert (again.result, again.answer, again.repeat) == (None, {"text": "now 1"}, True)
    assert counter(db) == 1
    assert once(db, "tok-2").answer == {"text": "now 2"}  # another modal, another change


def test_a_refused_submission_leaves_its_token_free_for_the_corrected_one(db):
    with pytest.raises(ValidationFailed):
        once(db, "tok-1", refuse=True)
    assert counter(db) == 0
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Submission)) == 0
    assert once(db, "tok-1").answer == {"text": "now 1"}


def test_without_a_token_the_work_just_runs(db):
    assert [once(db, None).result for _ in range(2)] == [1, 2]


def test_old_tokens_are_forgotten(db):
    once(db, "old")
    with db.write() as s:
        s.get(Submission, "old").created_at = days_ago(8)
    once(db, "new")
    assert forget_submissions(db, before=days_ago(7)) == 1
    with db.read() as s:
        assert s.scalars(select(Submission.token)).all() == ["new"]
