"""The run's figures as plain JSON, and back: how the run cache keeps them and how the runner hands them to its
notebooks. No pickle: reading a stored entry builds only data (numbers, text, lists, tables) and the pack's own
frozen figure classes, found by name among `qa_lib`'s modules and refused unless they are dataclasses, so a
file someone else wrote can at worst fail to load; it can never run code.

Tables keep their column types exactly (float64, int64, bool, pandas' text types, dates), and floats keep
every digit (JSON's shortest round-trip form), so a page drawn from decoded figures is byte for byte the page
drawn from the figures themselves.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import json
import math
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

PACKAGE = "qa_lib."
TEXT_DTYPES = ("str", "string", "object")
NUMBER_DTYPES = ("float64", "int64", "bool", "Int64", "boolean", "Float64")


class CodecError(ValueError):
    """A value the figures may not hold (encoding), or a stored entry that is not one the pack wrote (decoding)."""


def dumps(obj: Any) -> bytes:
    """The figures as compact JSON bytes (the same figures give the same bytes)."""
    return json.dumps(_enc(obj), separators=(",", ":"), allow_nan=False, ensure_ascii=False).encode("utf-8")


def loads(data: bytes, kind: type | tuple[type, ...] | None = None) -> Any:
    """The figures back from `dumps`' bytes; CodecError if they are not what the pack wrote or not of `kind`."""
    try:
        obj = _dec(json.loads(data.decode("utf-8")))
    except CodecError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError, IndexError) as e:
        raise CodecError(f"not a figures entry the pack wrote ({type(e).__name__})") from None
    if kind is not None and not isinstance(obj, kind):
        raise CodecError("figures of another kind")
    return obj


# ---------------------------------------------------------------- encoding


def _float(x: float) -> Any:
    return x if math.isfinite(x) else {"$float": repr(x)}


def _enc(o: Any) -> Any:
    if o is None or isinstance(o, (bool, str)):
        return o
    if isinstance(o, (int, np.integer)) and not isinstance(o, np.bool_):
        return int(o)
    if isinstance(o, np.bool_):
        return bool(o)
    if isinstance(o, (float, np.floating)):
        return _float(float(o))
    if isinstance(o, pd.DataFrame):
        return {"$frame": _frame(o)}
    if isinstance(o, pd.Series):
        return {"$series": {"name": _enc(o.name), "dtype": str(o.dtype), "values": _column(o), "index": _index(o.index)}}
    if isinstance(o, pd.Timestamp):
        return {"$timestamp": o.isoformat()}
    if isinstance(o, dt.datetime):
        return {"$datetime": o.isoformat()}
    if isinstance(o, dt.date):
        return {"$date": o.isoformat()}
    if dataclasses.is_dataclass(o) and not isinstance(o, type):
        cls = type(o)
        if not cls.__module__.startswith(PACKAGE):
            raise CodecError(f"{cls.__qualname__} is not one of the pack's figure classes")
        return {"$dc": f"{cls.__module__}:{cls.__qualname__}", "fields": {f.name: _enc(getattr(o, f.name)) for f in dataclasses.fields(o)}}
    if isinstance(o, SimpleNamespace):
        return {"$ns": {str(k): _enc(v) for k, v in vars(o).items()}}
    if isinstance(o, dict):
        return {"$dict": [[_enc(k), _enc(v)] for k, v in o.items()]}
    if isinstance(o, list):
        return [_enc(v) for v in o]
    if isinstance(o, tuple):
        return {"$tuple": [_enc(v) for v in o]}
    if isinstance(o, (set, frozenset)):
        items = [_enc(v) for v in o]
        items.sort(key=lambda v: json.dumps(v, sort_keys=True))  # the same set, the same bytes
        return {"$frozenset" if isinstance(o, frozenset) else "$set": items}
    raise CodecError(f"the figures hold a {type(o).__name__}, which the cache does not keep")


def _column(s: pd.Series) -> list[Any]:
    dtype = str(s.dtype)
    if dtype in NUMBER_DTYPES:
        return [None if pd.isna(v) else _enc(v) for v in s.tolist()]
    if dtype.startswith("datetime64"):
        return [None if pd.isna(v) else v.isoformat() for v in s.tolist()]
    if dtype in TEXT_DTYPES:
        return [None if (v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA) else _enc(v) for v in s.tolist()]
    raise CodecError(f"a table column of type {dtype}, which the cache does not keep")


def _index(index: pd.Index) -> Any:
    if isinstance(index, pd.RangeIndex):
        return {"range": [index.start, index.stop, index.step], "name": _enc(index.name)}
    if isinstance(index, pd.MultiIndex):
        return {"tuples": [_enc(tuple(t)) for t in index.tolist()], "names": [_enc(n) for n in index.names]}
    s = pd.Series(index, dtype=index.dtype)
    return {"values": _column(s), "dtype": str(index.dtype), "name": _enc(index.name)}


def _frame(f: pd.DataFrame) -> dict[str, Any]:
    return {
        "columns": _index(f.columns),
        "dtypes": [str(f.iloc[:, i].dtype) for i in range(f.shape[1])],
        "data": [_column(f.iloc[:, i]) for i in range(f.shape[1])],
        "index": _index(f.index),
    }


# ---------------------------------------------------------------- decoding


def _dec(o: Any) -> Any:
    if o is None or isinstance(o, (bool, int, float, str)):
        return o
    if isinstance(o, list):
        return [_dec(v) for v in o]
    if not isinstance(o, dict) or len(o) not in (1, 2):
        raise CodecError("not a figures entry the pack wrote")
    tag = next(iter(o))
    body = o[tag]
    if tag == "$float":
        if body not in ("nan", "inf", "-inf"):
            raise CodecError("not a figures entry the pack wrote")
        return float(body)
    if tag == "$frame":
        return _unframe(body)
    if tag == "$series":
        return pd.Series(_uncolumn(body["values"], body["dtype"]), index=_unindex(body["index"]), name=_dec(body["name"]))
    if tag == "$timestamp":
        return pd.Timestamp(str(body))
    if tag == "$datetime":
        return dt.datetime.fromisoformat(str(body))
    if tag == "$date":
        return dt.date.fromisoformat(str(body))
    if tag == "$dc":
        return _dataclass(str(body), o["fields"])
    if tag == "$ns":
        return SimpleNamespace(**{str(k): _dec(v) for k, v in body.items()})
    if tag == "$dict":
        return {_dec(k): _dec(v) for k, v in body}
    if tag == "$tuple":
        return tuple(_dec(v) for v in body)
    if tag == "$frozenset":
        return frozenset(_dec(v) for v in body)
    if tag == "$set":
        return {_dec(v) for v in body}
    raise CodecError("not a figures entry the pack wrote")


def _dataclass(name: str, fields: dict[str, Any]) -> Any:
    """One of the pack's own figure classes, by module and name; nothing outside `qa_lib` is ever imported."""
    module, _, qualname = name.partition(":")
    if not module.startswith(PACKAGE) or not all(part.isidentifier() for part in [*module.split("."), *qualname.split(".")]):
        raise CodecError("not a figures entry the pack wrote")
    cls: Any = importlib.import_module(module)
    for part in qualname.split("."):
        cls = getattr(cls, part)
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
        raise CodecError("not a figures entry the pack wrote")
    known = {f.name: f for f in dataclasses.fields(cls)}
    if set(fields) != set(known):
        raise CodecError("not a figures entry the pack wrote")
    values = {k: _dec(v) for k, v in fields.items()}
    obj = cls(**{k: v for k, v in values.items() if known[k].init})
    for k, v in values.items():
        if not known[k].init:
            object.__setattr__(obj, k, v)
    return obj


def _uncolumn(values: list[Any], dtype: str) -> pd.Series:
    if dtype in NUMBER_DTYPES:
        return pd.Series([_dec(v) for v in values], dtype=dtype if dtype != "float64" else None).astype(dtype)
    if dtype.startswith("datetime64"):
        return pd.Series(pd.to_datetime(values), dtype=dtype)
    if dtype in TEXT_DTYPES:
        return pd.Series([_dec(v) for v in values], dtype=dtype)
    raise CodecError("not a figures entry the pack wrote")


def _unindex(spec: dict[str, Any]) -> pd.Index:
    if "range" in spec:
        start, stop, step = (int(x) for x in spec["range"])
        return pd.RangeIndex(start, stop, step, name=_dec(spec["name"]))
    if "tuples" in spec:
        return pd.MultiIndex.from_tuples([_dec(t) for t in spec["tuples"]], names=[_dec(n) for n in spec["names"]])
    return pd.Index(_uncolumn(spec["values"], spec["dtype"]), dtype=spec["dtype"], name=_dec(spec["name"]))


def _unframe(body: dict[str, Any]) -> pd.DataFrame:
    columns = _unindex(body["columns"])
    data = [_uncolumn(v, d) for v, d in zip(body["data"], body["dtypes"], strict=True)]
    index = _unindex(body["index"])
    if len(data) != len(columns):
        raise CodecError("not a figures entry the pack wrote")
    frame = pd.concat([s.set_axis(index) for s in data], axis=1, ignore_index=True) if data else pd.DataFrame(index=index)
    frame.columns = columns
    return frame
