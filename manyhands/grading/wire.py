"""Plain data between the learner's kernel and the checker: values as JSON, functions as names to call.

Both sides use this module, but only the checker's copy is trusted: whatever the learner's kernel sends, the
checker's ``decode`` builds nothing but plain built-in values (None, bool, int, float, str, list, tuple, set,
frozenset, dict), numpy scalars of the common dtypes, and pandas frames and series rebuilt from records with
their index.  A learner's look-alike type (an ``__eq__`` that says yes to everything, a metaclass, a subclass
of ``int``) cannot cross: the checker sees either the plain value it stands for or a wrong answer.

In the learner's kernel the grader calls ``serve`` (which of these names exist, and what they hold) and
``call`` (call one of the learner's functions with plain arguments); each returns one JSON text.
"""

from __future__ import annotations

import json
import math

MAX_BYTES = 5_000_000  # one message, either way: an answer bigger than this is not graded
MAX_DEPTH = 40
MAX_HASHED = 5_000  # items of one set or dict (no answer of the course comes near; see _hashed)
MAX_DIGITS = 1_000  # digits of one whole number
_NUMPY_SCALARS = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                  "float16", "float32", "float64", "bool_", "bool", "str_")
_EXCEPTIONS = ("ArithmeticError", "AssertionError", "AttributeError", "IndexError", "KeyError", "LookupError",
               "NameError", "NotImplementedError", "OverflowError", "RecursionError", "RuntimeError",
               "TypeError", "UnboundLocalError", "ValueError", "ZeroDivisionError", "IndentationError",
               "SyntaxError", "UnicodeError", "StopIteration", "MemoryError")


class WireError(ValueError):
    """A value that cannot cross as plain data (the message says what it is)."""


def _type_label(value) -> str:
    t = type(value)
    return t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__name__}"


# ---------------------------------------------------------------- encoding (either side)

def _float(x: float):
    if math.isnan(x):
        return {"$f": "nan"}
    if math.isinf(x):
        return {"$f": "inf" if x > 0 else "-inf"}
    return x


def encode(value, depth: int = 0):
    """``value`` as JSON-ready plain data, or WireError."""
    if depth > MAX_DEPTH:
        raise WireError("it is nested too deeply")
    t = type(value)
    if value is None or t is bool or t is str:
        return value
    if t is int:
        return value if abs(value) < 2**53 else {"$int": str(value)}
    if t is float:
        return _float(value)
    if t is list:
        return [encode(x, depth + 1) for x in value]
    if t is tuple:
        return {"$tuple": [encode(x, depth + 1) for x in value]}
    if t in (set, frozenset):
        return {"$set" if t is set else "$frozenset": [encode(x, depth + 1) for x in value]}
    if t is dict:
        return {"$dict": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in value.items()]}
    module = t.__module__
    if value is Ellipsis:
        return {"$ellipsis": True}
    if module == "numpy" and t.__name__ in _NUMPY_SCALARS:
        item = value.item()
        return {"$np": t.__name__, "v": _float(item) if isinstance(item, float) else item}
    if module.startswith("pandas"):
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return {"$na": True}
        if t is pd.Series:
            return {"$series": {"name": encode(_plain_label(value.name), depth + 1), "dtype": str(value.dtype),
                                "index": _encode_index(value.index, depth), "values": _encode_cells(value.tolist(), depth)}}
        if t is pd.DataFrame:
            return {"$frame": {"columns": [encode(_plain_label(c), depth + 1) for c in value.columns],
                               "dtypes": [str(d) for d in value.dtypes], "index": _encode_index(value.index, depth),
                               "columns_of": [_encode_cells(value.iloc[:, i].tolist(), depth)
                                              for i in range(value.shape[1])]}}
        if t is pd.Timestamp:
            return {"$timestamp": value.isoformat()}
    if module == "numpy" and t.__name__ == "ndarray":
        return {"$ndarray": {"dtype": str(value.dtype), "values": _encode_cells(value.tolist(), depth)}}
    raise WireError(f"it is {_type_label(value)}, which the grader cannot read as plain data")


def _plain_label(x):
    item = getattr(x, "item", None)
    return item() if callable(item) and type(x).__module__ == "numpy" else x


def _encode_cells(values, depth):
    return [encode(_plain_label(v), depth + 2) for v in values]


def _encode_index(index, depth):
    import pandas as pd

    if type(index) is pd.RangeIndex:
        return {"range": [index.start, index.stop, index.step], "name": encode(_plain_label(index.name), depth + 1)}
    return {"values": _encode_cells(index.tolist(), depth), "dtype": str(index.dtype),
            "name": encode(_plain_label(index.name), depth + 1)}


def dumps(value) -> str:
    text = json.dumps(encode(value), ensure_ascii=True, allow_nan=False)  # a lone surrogate stays an escape
    if len(text) > MAX_BYTES:
        raise WireError(f"it is too big to grade ({len(text):,} characters as data)")
    return text


# ---------------------------------------------------------------- decoding (the checker's copy is the trusted one)

def decode(obj, depth: int = 0):
    """Plain data back into values; anything unexpected is WireError."""
    if depth > MAX_DEPTH:
        raise WireError("it is nested too deeply")
    t = type(obj)
    if obj is None or t in (bool, str, int):
        return obj
    if t is float:
        return float(obj)
    if t is list:
        return [decode(x, depth + 1) for x in obj]
    if t is not dict or len(obj) not in (1, 2):
        raise WireError("the data is not in the grader's format")
    ((key, body), *rest) = obj.items()
    if key == "$f" and body in ("nan", "inf", "-inf"):
        return float(body)
    if key == "$int" and type(body) is str:
        if len(body) > MAX_DIGITS:
            raise WireError(f"it holds a whole number of more than {MAX_DIGITS:,} digits")
        try:
            return int(body)
        except ValueError:
            raise WireError("the data is not in the grader's format") from None
    if key == "$tuple":
        return tuple(decode(x, depth + 1) for x in _list(body))
    if key == "$set":
        return {_hashable(decode(x, depth + 1)) for x in _hashed(body)}
    if key == "$frozenset":
        return frozenset(_hashable(decode(x, depth + 1)) for x in _hashed(body))
    if key == "$dict":
        out = {}
        for pair in _hashed(body):
            k, v = _list(pair)
            out[_hashable(decode(k, depth + 1))] = decode(v, depth + 1)
        return out
    if key == "$ellipsis":
        return Ellipsis
    if key == "$np" and body in _NUMPY_SCALARS and rest and rest[0][0] == "v":
        import numpy as np

        value = decode(rest[0][1], depth + 1)
        if body == "str_":  # a numpy string is text: the checks compare it as text
            if type(value) is not str:
                raise WireError("the data is not in the grader's format")
            return value
        return getattr(np, body)(value)
    if key == "$na":
        import pandas as pd

        return pd.NA
    if key == "$timestamp" and type(body) is str:
        import pandas as pd

        return pd.Timestamp(body)
    if key == "$series" and type(body) is dict:
        import pandas as pd

        values = [decode(x, depth + 2) for x in _list(body.get("values"))]
        series = pd.Series(values, index=_decode_index(body.get("index"), depth), name=decode(body.get("name"), depth + 1),
                           dtype=_dtype(body.get("dtype"), values))
        return series
    if key == "$frame" and type(body) is dict:
        import pandas as pd

        columns = [decode(c, depth + 1) for c in _list(body.get("columns"))]
        cells = [[decode(x, depth + 2) for x in _list(col)] for col in _list(body.get("columns_of"))]
        dtypes = _list(body.get("dtypes"))
        index = _decode_index(body.get("index"), depth)
        if not (len(columns) == len(cells) == len(dtypes)) or any(len(col) != len(index) for col in cells):
            raise WireError("the table's data is not in the grader's format")
        frame = pd.DataFrame({i: pd.Series(col, index=index, dtype=_dtype(d, col)) for i, (col, d) in
                              enumerate(zip(cells, dtypes))}, index=index)
        frame.columns = pd.Index(columns, dtype=object) if columns else frame.columns
        return frame
    if key == "$ndarray" and type(body) is dict:
        import numpy as np

        values = decode(body.get("values"), depth + 1)
        return np.array(values, dtype=_dtype(body.get("dtype"), values) or object)
    raise WireError("the data is not in the grader's format")


def _hashed(x) -> list:
    """The items of a set or a dict: at most MAX_HASHED, since values that all hash alike (a learner can make them)
    cost the checker time in the square of their number to put into a set."""
    items = _list(x)
    if len(items) > MAX_HASHED:
        raise WireError(f"it is a set or a dictionary of {len(items):,} items, more than the grader reads "
                        f"({MAX_HASHED:,})")
    return items


def _list(x) -> list:
    if type(x) is not list:
        raise WireError("the data is not in the grader's format")
    return x


def _hashable(x):
    if type(x) is list:
        raise WireError("the data is not in the grader's format")
    return x


_DTYPES = {"int64", "int32", "float64", "float32", "bool", "object", "str", "string", "Int64", "boolean", "Float64",
           "category"}


def _dtype(name, values):
    if name not in _DTYPES:
        return None  # pandas infers it, as it would from the values
    if name in ("int64", "int32", "bool") and any(v is None for v in values):
        return None
    return name


def _decode_index(body, depth):
    import pandas as pd

    if type(body) is not dict:
        raise WireError("the table's index is not in the grader's format")
    name = decode(body.get("name"), depth + 1)
    if "range" in body:
        start, stop, step = (int(decode(x)) for x in _list(body["range"]))
        return pd.RangeIndex(start, stop, step, name=name)
    values = [_hashable(decode(x, depth + 2)) for x in _list(body.get("values"))]
    return pd.Index(values, dtype=_dtype(body.get("dtype"), values), name=name)


def loads(text: str):
    if type(text) is not str or len(text) > MAX_BYTES:
        raise WireError("the data is too big to grade")
    try:
        obj = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise WireError("the data is not in the grader's format") from exc
    return decode(obj)


# ---------------------------------------------------------------- the learner's kernel side

def _describe(namespace: dict, name: str):
    if name not in namespace:
        return {"$absent": True}
    value = namespace[name]
    if type(value).__name__ == "module":
        return {"$module": getattr(value, "__name__", "?")}
    if callable(value) and not isinstance(value, type):
        return {"$function": name}
    try:
        return {"$value": encode(value)}
    except WireError as exc:
        return {"$unsendable": str(exc)}
    except Exception as exc:  # a learner's object that fails while it is read
        return {"$unsendable": f"reading it raised {type(exc).__name__}"}


def serve(namespace: dict, names_json: str) -> str:
    """Which of these names the learner's notebook defines, and what each holds (one JSON text)."""
    names = json.loads(names_json)
    out = {}
    for name in names:
        try:
            out[name] = _describe(namespace, name)
        except BaseException as exc:  # noqa: BLE001 - the learner's code decides what is raised
            out[name] = {"$unsendable": f"reading it raised {type(exc).__name__}"}
    text = json.dumps(out, ensure_ascii=False, allow_nan=False)
    if len(text) > MAX_BYTES:
        out = {name: (v if len(json.dumps(v)) < 10_000 else {"$unsendable": "it is too big to grade"})
               for name, v in out.items()}
        text = json.dumps(out, ensure_ascii=False, allow_nan=False)
    return text


def call(namespace: dict, request_json: str) -> str:
    """Call the learner's function ``name`` with the request's plain arguments; the result as JSON text."""
    request = json.loads(request_json)
    func = namespace.get(request["name"])
    if not callable(func):
        return json.dumps({"raised": "NameError", "evalue": f"name {request['name']!r} is not defined"})
    args = [decode(a) for a in request["args"]]
    kwargs = {k: decode(v) for k, v in request["kwargs"].items()}
    try:
        result = func(*args, **kwargs)
    except BaseException as exc:  # noqa: BLE001 - reported to the checker as the learner's error
        if isinstance(exc, KeyboardInterrupt):
            return json.dumps({"raised": "TimeLimit", "evalue": "stopped at the time limit"})
        return json.dumps({"raised": type(exc).__name__, "evalue": str(exc)[:2000]}, ensure_ascii=False)
    try:
        return json.dumps({"value": encode(result)}, ensure_ascii=False, allow_nan=False)
    except WireError as exc:
        return json.dumps({"unsendable": str(exc)})
    except Exception as exc:
        return json.dumps({"unsendable": f"reading it raised {type(exc).__name__}"})


def exception_class(name: str):
    """The built-in exception a learner's function raised (by name), or None for any other."""
    import builtins

    return getattr(builtins, name) if name in _EXCEPTIONS else None
