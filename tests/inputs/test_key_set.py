"""`KeySet`: a file's identifier keys held as one Arrow array, asked about in batches (`look_up`) so that a search
needs no Python set of every key. Whichever way it answers, the answer is exact: checked here against a Python set
(the truth) on keys and candidates drawn at random, and on texts built with or without an identifier in them."""

from __future__ import annotations

import random

import pytest

from qa_lib.inputs import personal
from qa_lib.inputs.personal import IdentifierKeys, KeySet, identifier_keys, reader_text
from qa_lib.sections.themes.redact import Redactor


def _keys(rng: random.Random, n: int) -> list[str]:
    return [f"zq{rng.randrange(10**6):06d}" for _ in range(n)]


def test_membership_is_exact_asked_in_batches_or_not(monkeypatch):
    monkeypatch.setattr(personal, "LOOK_UP_FROM", 0)
    rng = random.Random(29)
    truth = set(_keys(rng, 3000))
    candidates = [*rng.sample(sorted(truth), 500), *_keys(rng, 500), "", "ZQ000001", "zq"]
    unasked = KeySet(truth)
    assert [c in unasked for c in candidates] == [c in truth for c in candidates]  # from the set of every key
    batched = KeySet(truth)
    batched.look_up(candidates[::2])
    assert batched.batched  # no set of every key was made for what was looked up
    assert [c in batched for c in candidates[::2]] == [c in truth for c in candidates[::2]]
    assert batched.batched
    assert [c in batched for c in candidates] == [c in truth for c in candidates]  # the rest: from every key
    assert not batched.batched and batched.every == truth
    assert len(KeySet(truth)) == len(truth) and KeySet(truth) == truth and KeySet([*truth, *truth]) == truth


def test_its_repr_never_shows_a_key_and_a_small_set_is_not_looked_up_in_batches():
    keys = KeySet(["ch864660", "sw3145"])
    assert "864660" not in repr(keys) and "3145" not in repr(keys) and "2" in repr(keys)
    assert not keys.batched  # fewer than LOOK_UP_FROM keys: Python's own set
    assert KeySet(["1234", "123456", "4417290"]).at_least(6) == {"123456", "4417290"}


def test_identifier_keys_are_key_sets_of_what_id_key_gives():
    keyed = identifier_keys(["CH-864660", "sw 3145", " 4417290 ", "CHÉ-1", "--"])
    assert isinstance(keyed.words, KeySet) and isinstance(keyed.digits, KeySet)
    assert keyed.words == {"ch864660", "sw3145", "ché1"} and keyed.digits == {"4417290"}


@pytest.mark.parametrize("seed", range(3))
def test_a_search_looked_up_in_batches_finds_exactly_the_identifiers_put_in(monkeypatch, seed):
    """Texts of ordinary words, half with an identifier from the data put in, spelled as a person might type it:
    the batched search finds exactly those, as the search over a Python set does."""
    rng = random.Random(seed)
    ids = _keys(rng, 2000)
    vocabulary = ["the", "audit", "was", "returned", "on", "time", "plan", "child", "voice", "review", "7", "2021", "ch"]
    spell = [
        lambda k: k.upper(),
        lambda k: f"{k[:2].upper()}-{k[2:]}",
        lambda k: f"{k[:2]} {k[2:]}",
        lambda k: f"{k[:2].upper()}&#45;{k[2:]}",
        lambda k: f"{k[:2]}\u200b_{k[2:]}",
    ]
    texts, expected = [], []
    for _ in range(300):
        words = rng.choices(vocabulary, k=rng.randrange(3, 15))
        put = rng.random() < 0.5
        if put:
            words.insert(rng.randrange(len(words) + 1), rng.choice(spell)(rng.choice(ids)))
        texts.append(" ".join(words) + ".")
        expected.append(put)
    plain = Redactor(IdentifierKeys(frozenset(ids), frozenset(), 2))  # the truth's own search, a Python set
    monkeypatch.setattr(personal, "LOOK_UP_FROM", 0)
    batched = Redactor(identifier_keys(ids))
    seen = [reader_text(t) for t in texts]
    could = batched.look_up(seen)  # whether any run of parts in each text is an identifier: exactly those put in
    assert could == expected == [batched.spells_identifier(t) for t in seen] == [plain.spells_identifier(t) for t in seen]
    assert isinstance(batched.ids, KeySet) and batched.ids.batched  # answered from the batch alone
