"""JSON and YAML from outside (chat frames, replay lines, catalogs, console requests, persona
and show files) parsed with limits.

Python's json accepts NaN and Infinity, turns 1e999 into inf and recurses once per nesting
level; any of these from a viewer or a merchant's file would hang a loop, crash a sum or throw
a RecursionError traceback. Here each is a ValueError naming what was wrong. Pure: no I/O.
"""
from __future__ import annotations

import json
import math
import re

import yaml

MAX_DEPTH = 32  # no contract nests deeper than 4; 32 leaves room and stays far from recursion limits
MAX_VALUES = 5_000_000  # values a document may expand to (YAML aliases repeat a value): a 100,000-product catalog fits
_STRUCTURE = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


class JsonLimitError(ValueError):
    """Valid syntax that breaks a limit: too deep, or a number that is not finite."""


def nesting_depth(text: str) -> int:
    """Deepest bracket nesting outside strings, without building anything."""
    depth = deepest = 0
    for match in _STRUCTURE.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "]}":
            depth -= 1
    return deepest


def _not_finite(name: str) -> float:
    raise JsonLimitError(f"{name} is not a number JSON allows")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JsonLimitError(f"number {text[:40]} is out of range")
    return value


def _finite_int(text: str) -> int | float:
    if len(text.lstrip("-")) > 18:  # past int64: treated like a float so it is range-checked
        return _finite_float(text)
    return int(text)


def loads(text: str, max_depth: int = MAX_DEPTH) -> object:
    """json.loads with nesting capped at `max_depth` and only finite numbers. Raises
    json.JSONDecodeError for bad syntax and JsonLimitError for a broken limit."""
    depth = nesting_depth(text)
    if depth > max_depth:
        raise JsonLimitError(f"nested {depth} levels deep, limit {max_depth}")
    return json.loads(text, parse_constant=_not_finite, parse_float=_finite_float, parse_int=_finite_int)


def data_depth(data: object) -> int:
    """Deepest nesting of lists and mappings in parsed data (iterative: depth cannot hurt it)."""
    deepest = seen = 0
    stack: list[tuple[object, int]] = [(data, 1)]
    while stack:
        item, depth = stack.pop()
        seen += 1
        if seen > MAX_VALUES:  # aliases of aliases ("billion laughs"), or one that contains itself
            raise JsonLimitError(f"expands to more than {MAX_VALUES:,} values (YAML aliases?)")
        if isinstance(item, dict):
            children = list(item.values())
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            break
        stack.extend((child, depth + 1) for child in children)
    return deepest


class _Yaml12Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 scalars: a merchant's "肥瘦比: 2:8" or "营业: 9:30" stays text (YAML 1.1
    reads base-60 numbers: 2:8 is 128), "010" stays a code, and only true/false are booleans (not
    yes/no/on/off)."""


_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool")
_Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _NUMBER_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                    list("tTfF"))
_Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"),
                                    list("-+0123456789"))
_Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]+(?:[eE][-+]?[0-9]+)?$|^[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+$"
               r"|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$"),
    list("-+0123456789."))


def load_yaml(text: str, max_depth: int = MAX_DEPTH) -> object:
    """yaml.safe_load with nesting capped. Raises yaml.YAMLError for bad syntax and
    JsonLimitError when the document is nested deeper than `max_depth`."""
    try:
        data = yaml.load(text, Loader=_Yaml12Loader)  # noqa: S506 - a SafeLoader
    except RecursionError:
        raise JsonLimitError(f"nested deeper than Python can parse, limit {max_depth}") from None
    except yaml.YAMLError:
        raise
    except ValueError as exc:  # a value PyYAML cannot build, such as an integer of 5,000 digits
        raise JsonLimitError(f"unreadable value: {exc}") from None
    depth = data_depth(data)
    if depth > max_depth:
        raise JsonLimitError(f"nested {depth}+ levels deep, limit {max_depth}")
    return data
