"""A memo's seeds (issue #18, ``mapping._Memo.seed``): parse_card seeds what a later fit or render may ask for
without hashing it, and any read of the memo finds what it would have found had each seed been a put."""

from __future__ import annotations

import threading

from contactsync.vcard import mapping, parse_card


def _pairs(memo: mapping._Memo[str, int]) -> list[tuple[str, int]]:
    len(memo)  # settled
    return list(memo._known.items())


def test_seeds_read_as_puts_in_every_order_and_bound() -> None:
    steps = [("seed", f"k{i % 7}", i) for i in range(30)] + [("put", "k3", 100), ("seed", "k9", 9), ("seed", "k1", 1)]
    seeded, put = mapping._Memo[str, int](5), mapping._Memo[str, int](5)
    for how, key, value in steps:
        getattr(seeded, how)(key, value)
        put.put(key, value)
    assert _pairs(seeded) == _pairs(put)
    assert len(seeded) == 5


def test_every_read_settles_the_seeds_first() -> None:
    memo = mapping._Memo[str, int](3)
    memo.seed("a", 1)
    assert memo.find("a") == 1
    memo.seed("b", 2)
    assert memo.known("b")
    memo.seed("c", 3)
    assert memo.get("c", lambda: 0) == 3
    memo.seed("d", 4)
    memo.put("e", 5)
    assert _pairs(memo) == [("c", 3), ("d", 4), ("e", 5)]  # "b" was used last but before "c" came
    memo.seed("f", 6)
    memo.cache_clear()
    assert len(memo) == 0 and memo.find("f") is None


def test_seeds_are_bounded_before_any_read() -> None:
    memo = mapping._Memo[str, int](4)
    for i in range(1000):
        memo.seed(f"k{i}", i)
    assert len(memo._seeds) == 4
    assert _pairs(memo) == [(f"k{i}", i) for i in range(996, 1000)]


def test_an_unhashable_seed_is_dropped_as_get_drops_it() -> None:
    memo = mapping._Memo[object, int](4)
    memo.seed(["a list"], 1)
    memo.seed("k", 2)
    assert memo.known("k") and len(memo) == 1


def test_seeds_from_threads_all_arrive() -> None:
    memo = mapping._Memo[str, int](100_000)

    def seed(start: int) -> None:
        for i in range(start, start + 5000):
            memo.seed(f"k{i}", i)
            if i % 97 == 0:
                memo.find("k0")  # reads settle meanwhile

    threads = [threading.Thread(target=seed, args=(n * 5000,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(memo) == 20_000


def test_a_card_read_seeds_its_own_fit_and_nothing_is_hashed_until_asked() -> None:
    mapping._OWN_FITS.cache_clear()
    contact = parse_card("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ann\r\nTEL;TYPE=CELL:+49305550001\r\nEND:VCARD\r\n").contact
    assert len(mapping._OWN_FITS._seeds) == 1 and not mapping._OWN_FITS._known
    assert mapping._OWN_FITS.known(mapping._own_fit_key(contact, "US"))  # type: ignore[arg-type]
    assert not mapping._OWN_FITS._seeds
