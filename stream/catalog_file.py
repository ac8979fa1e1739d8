"""Reading a catalog file (YAML, JSON or CSV) into a validated Catalog."""
from __future__ import annotations

import json
import logging
import re
from dataclasses import replace
from importlib import resources
from pathlib import Path

import yaml

from script.bounded_input import JsonLimitError, load_yaml, loads
from script.catalog import Catalog, CatalogError, CatalogProblem, catalog_from_data

from .catalog_csv import catalog_data_from_csv
from .catalog_images import resolve_images


log = logging.getLogger("livehost.catalog")
MAX_CATALOG_BYTES = 64 * 1024 * 1024  # ~60,000 products with room to spare; larger is not a catalog


def log_warnings(catalog: Catalog) -> None:
    """Once per load: what the catalog was accepted with (text cut to its limit)."""
    for warning in catalog.warnings[:20]:
        log.warning("catalog accepted with a change: %s", warning)
    if len(catalog.warnings) > 20:
        log.warning("catalog accepted with %d more changes (run check-catalog for all)", len(catalog.warnings) - 20)


def _refuse(source: str, message: str) -> CatalogError:
    return CatalogError([CatalogProblem(source, "file", "-", message)])


def load_catalog_file(path: str | Path) -> Catalog:
    path = Path(path)
    source = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_CATALOG_BYTES:
            raise _refuse(source, f"file is {size / 2**20:.0f} MB, limit {MAX_CATALOG_BYTES // 2**20} MB")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _refuse(source, "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _refuse(source, f"cannot be read as UTF-8 text: {exc}") from None
    suffix = path.suffix.lower()
    if suffix == ".csv":
        catalog = parse_catalog_csv(text, source)
    else:
        catalog = parse_catalog_text(text, source, json_format=suffix == ".json")
    return resolve_images(catalog, path.parent)  # the contract: image paths are relative to the catalog


def parse_catalog_csv(text: str, source: str) -> Catalog:
    """A spreadsheet catalog; problems name the row, as the merchant sees it in Excel."""
    data, problems = catalog_data_from_csv(text, source)
    rows = [p.pop("_row") for p in data["products"]]
    try:
        catalog = catalog_from_data(data, source)
    except CatalogError as exc:
        problems += [_by_row(p, rows) for p in exc.problems]
        raise CatalogError(problems) from None
    if problems:
        raise CatalogError(problems)
    return catalog


def _by_row(problem: CatalogProblem, rows: list[int]) -> CatalogProblem:
    match = re.match(r"products\[(\d+)\](.*)", problem.where)
    if match is None:
        return problem
    return CatalogProblem(problem.source, f"row {rows[int(match.group(1))]}{match.group(2)}", problem.field,
                          problem.message)


def parse_catalog_text(text: str, source: str, json_format: bool = False) -> Catalog:
    try:
        data = loads(text) if json_format else load_yaml(text)
    except JsonLimitError as exc:
        raise _refuse(source, f"refused: {exc}") from None
    except json.JSONDecodeError as exc:
        raise _refuse(source, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        raise _refuse(source, f"invalid YAML{at}: {getattr(exc, 'problem', exc)}") from None
    catalog = catalog_from_data(data, source)
    if json_format:
        return catalog
    cut = yaml_comments_in_values(text, source)
    return replace(catalog, warnings=catalog.warnings + cut) if cut else catalog


# "title: 雾面唇釉 #05 枫叶红": YAML ends the value at " #", so the shade silently goes missing.
_VALUE_THEN_COMMENT = re.compile(r"^\s*(?:-\s*)?([^\s:#'\"][^:#]*?):\s+([^\s'\"#\[{|>][^#\n]*?)\s+#(\S[^\n]*)$")


def yaml_comments_in_values(text: str, source: str) -> tuple[CatalogProblem, ...]:
    """Lines where a value runs into a YAML comment that reads like part of it (a shade, a model)."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        m = _VALUE_THEN_COMMENT.match(line)
        if m and re.match(r"[0-9A-Za-z\u4e00-\u9fff]", m.group(3)):
            found.append(CatalogProblem(source, f"line {number}", m.group(1).strip(),
                                        f"read as {m.group(2).strip()!r}: '#{m.group(3).strip()}' is a YAML comment; "
                                        f"put the whole value in quotes to keep it"))
    return tuple(found)


def default_catalog() -> Catalog:
    """The catalog embedded in the package, so the default show needs no files."""
    text = resources.files("stream").joinpath("default_catalog.yaml").read_text(encoding="utf-8")
    return parse_catalog_text(text, "<embedded default catalog>")
