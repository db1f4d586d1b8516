"""The figures' JSON form (issue 25: the run cache held a pickle, so anyone who could write the cache folder
could make the pack run code). The same figures come back exactly; a stored entry naming anything but the pack's
own figure classes is refused without importing it."""

from __future__ import annotations

import dataclasses
import json
import math
import sys
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from qa_lib import codec
from qa_lib.disclosure.protect import publish
from qa_lib.figures import RunFigures
from qa_lib.inputs.schema import GRADES


def same(a, b, path="figures"):
    """Equal to the last bit: every table's values, column types and index; every field of every class."""
    assert type(a) is type(b), path
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, check_exact=True, obj=path)
    elif dataclasses.is_dataclass(a):
        for f in dataclasses.fields(a):
            same(getattr(a, f.name), getattr(b, f.name), f"{path}.{f.name}")
    elif isinstance(a, SimpleNamespace):
        assert vars(a).keys() == vars(b).keys(), path
        for k, v in vars(a).items():
            same(v, vars(b)[k], f"{path}.{k}")
    elif isinstance(a, dict):
        assert list(a) == list(b), path
        for k, v in a.items():
            same(v, b[k], f"{path}[{k!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b), path
    else:
        assert a == b, path


def test_the_demo_figures_and_their_published_form_come_back_exactly(demo_figures):
    for figures in (demo_figures, publish(demo_figures)):
        stored = codec.dumps(figures)
        back = codec.loads(stored, type(figures))
        same(figures, back)
        assert codec.dumps(back) == stored  # and the same figures give the same bytes


def test_hand_made_values_keep_their_types():
    """Every kind of value a figure may hold, worked by hand: NaN and infinities, text with gaps, ints and
    bools, an empty table that keeps its column types, tuple keys, sets, and a string index."""
    frame = pd.DataFrame(
        {
            "f": [0.1 + 0.2, float("nan"), -math.inf],
            "i": np.array([1, -2, 3], dtype="int64"),
            "b": [True, False, True],
            "s": pd.Series(["a", None, "c"], dtype="str"),
            "t": pd.Series(["x", None, "z"], dtype="string"),
        },
        index=pd.Index(["r1", "r2", "r3"], dtype="str", name="row"),
    )
    value = SimpleNamespace(
        frame=frame,
        empty=frame.iloc[0:0],
        keys={("standards", "voice", "2021-10"): 4, "plain": [1.5, None, (2, "x")]},
        hidden=frozenset({("a", 1), ("b", 2)}),
        grades=tuple(GRADES),
    )
    back = codec.loads(codec.dumps(value))
    same(value, back)
    assert back.frame.loc["r1", "f"] == 0.30000000000000004  # every digit kept
    assert list(back.empty.dtypes.astype(str)) == ["float64", "int64", "bool", "str", "string"]


def _forged(tag_class: str) -> bytes:
    return json.dumps({"$dc": tag_class, "fields": {}}).encode()


@pytest.mark.parametrize("name", ["os:system", "subprocess:Popen", "builtins:eval", "qa_lib.codec:CodecError", "qa_lib.x;y:Z"])
def test_an_entry_naming_anything_but_a_figures_class_is_refused_without_importing_it(name):
    before = set(sys.modules)
    with pytest.raises(codec.CodecError):
        codec.loads(_forged(name), RunFigures)
    assert not {m for m in set(sys.modules) - before if not m.startswith("qa_lib")}


@pytest.mark.parametrize(
    "stored",
    [b"cos\nsystem\n(S'echo owned'\ntR.", b"{", b'{"$float": "1e999"}', b'{"$frame": {"columns": 1}}', b'{"$what": 1}', b"[]"],
)
def test_a_damaged_or_foreign_entry_is_a_clear_refusal(stored):
    with pytest.raises(codec.CodecError):
        codec.loads(stored, RunFigures)


def test_a_value_the_figures_should_never_hold_is_not_stored():
    with pytest.raises(codec.CodecError, match="object"):
        codec.dumps(SimpleNamespace(x=object()))
