"""SeedRandom (the seed's faster randint, randrange and choice) draws what random.Random draws:
the same values and the same stream after them, so the demo data stays as it was."""

import random

import pytest

from store.seed.states import SeedRandom


def _pair():
    return random.Random(5), SeedRandom(5)


@pytest.mark.parametrize("a, b", [(0, 0), (1, 5), (60, 7200), (-3, 3), (5, 21), (0, 2**70)])
def test_randint_draws_as_random_does(a, b):
    plain, fast = _pair()
    assert [fast.randint(a, b) for _ in range(2000)] == [plain.randint(a, b) for _ in range(2000)]
    assert fast.getstate() == plain.getstate()


@pytest.mark.parametrize("args", [(1,), (7,), (10**17,), (10**11, 10**12), (10**9, 10**10),
                                  (-5, 5), (0, 10, 3)])
def test_randrange_draws_as_random_does(args):
    plain, fast = _pair()
    assert [fast.randrange(*args) for _ in range(2000)] == [
        plain.randrange(*args) for _ in range(2000)]
    assert fast.getstate() == plain.getstate()


@pytest.mark.parametrize("seq", [(1,), ("a", "b", "c"), list(range(300)), "ABCDEFG"])
def test_choice_draws_as_random_does(seq):
    plain, fast = _pair()
    assert [fast.choice(seq) for _ in range(2000)] == [plain.choice(seq) for _ in range(2000)]
    assert fast.getstate() == plain.getstate()


@pytest.mark.parametrize("call", [lambda r: r.randint(5, 4), lambda r: r.randrange(0),
                                  lambda r: r.randrange(3, 3), lambda r: r.choice([])])
def test_the_impossible_fails_as_random_does(call):
    with pytest.raises((ValueError, IndexError)) as plain:
        call(random.Random(1))
    with pytest.raises(plain.type):
        call(SeedRandom(1))
