"""Guard rules as data: the shipped defaults (guard_rules.yaml), a merchant's additions, and the
merge of the two. Pure apart from reading the package's own defaults; callers read merchant files
and pass their text to `load_rules_text`.

A merchant file has the defaults' format. A rule with an existing id appends its terms,
patterns, exceptions and list options (and replaces message, type or categories when given); a
new id adds a rule; `disable: [{id, reason}]` removes a rule and keeps the reason for reports.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from importlib import resources
from types import MappingProxyType
from typing import Any, Mapping

import yaml

from .catalog import CATEGORIES

RULE_TYPES = ("phrase", "contact", "disclaimer", "stock_urgency", "countdown_urgency",
              "expired_promotion", "untraced_number")
# Whose words a rule reads: "all" (the host's own lines and anything a viewer supplied that the
# host would say: nicks, gift names, quotes) or "viewer" (viewer-supplied text only: insults,
# political names, smears of the shop, which the host's own lines never need checking for).
SCOPES = ("all", "viewer")
_RULE_KEYS = {"id", "type", "message", "terms", "patterns", "exceptions", "categories",
              "allowed_if_in_specs", "options", "scope"}
_LIST_FIELDS = ("terms", "patterns", "exceptions")


class GuardRulesError(ValueError):
    """A rules file that cannot be used; the message names the source, rule and field."""


@dataclass(frozen=True)
class Rule:
    id: str
    type: str = ""
    message: str = ""
    terms: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    exceptions: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()  # empty: applies to every line
    allowed_if_in_specs: bool = False
    options: Mapping[str, Any] = field(default_factory=dict)
    source: str = ""
    scope: str = ""  # one of SCOPES; empty means "all" (and, in a merchant file, keep the default's)


@dataclass(frozen=True)
class DisabledRule:
    id: str
    reason: str
    source: str


@dataclass(frozen=True)
class GuardRules:
    rules: tuple[Rule, ...]
    disabled: tuple[DisabledRule, ...] = ()
    sources: tuple[str, ...] = ()

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


def _string_list(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        raise GuardRulesError(f"{where}: must be a list of text")
    return tuple(str(v) for v in value if str(v).strip())


def _rule_from_data(raw: Any, source: str, index: int) -> Rule:
    where = f"{source}: rules[{index}]"
    if not isinstance(raw, Mapping):
        raise GuardRulesError(f"{where}: must be a mapping with at least an id")
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not rule_id.strip():
        raise GuardRulesError(f"{where}: id is required")
    where = f"{source}: rule {rule_id}"
    unknown = sorted(set(raw) - _RULE_KEYS)
    if unknown:
        raise GuardRulesError(f"{where}: unknown field(s) {', '.join(unknown)}")
    rule_type = raw.get("type") or ""
    if rule_type and rule_type not in RULE_TYPES:
        raise GuardRulesError(f"{where}: type {rule_type!r} is not one of {', '.join(RULE_TYPES)}")
    categories = _string_list(raw.get("categories"), f"{where}: categories")
    for category in categories:
        if category not in CATEGORIES:
            raise GuardRulesError(f"{where}: categories: unknown {category!r}")
    scope = str(raw.get("scope") or "")
    if scope and scope not in SCOPES:
        raise GuardRulesError(f"{where}: scope {scope!r} is not one of {', '.join(SCOPES)}")
    options = raw.get("options") or {}
    if not isinstance(options, Mapping):
        raise GuardRulesError(f"{where}: options must be a mapping")
    lists = {name: _string_list(raw.get(name), f"{where}: {name}") for name in _LIST_FIELDS}
    for name in ("patterns", "exceptions"):
        for pattern in lists[name]:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise GuardRulesError(f"{where}: {name}: bad regular expression {pattern!r}: {exc}") from None
    return Rule(id=rule_id.strip(), type=rule_type, message=str(raw.get("message") or ""),
                categories=categories, allowed_if_in_specs=bool(raw.get("allowed_if_in_specs", False)),
                options=MappingProxyType(dict(options)), source=source, scope=scope, **lists)


def rules_from_data(data: Any, source: str = "<rules>") -> GuardRules:
    """Rules from parsed YAML/JSON data: {rules: [...], disable: [{id, reason}]}."""
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise GuardRulesError(f"{source}: top level must be a mapping with rules and/or disable")
    unknown = sorted(set(data) - {"version", "rules", "disable"})
    if unknown:
        raise GuardRulesError(f"{source}: unknown top-level field(s) {', '.join(unknown)}")
    raw_rules = data.get("rules") or []
    if not isinstance(raw_rules, list):
        raise GuardRulesError(f"{source}: rules must be a list")
    rules = tuple(_rule_from_data(raw, source, i) for i, raw in enumerate(raw_rules))
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise GuardRulesError(f"{source}: rule {rule.id} appears twice")
        seen.add(rule.id)
    disabled = []
    raw_disable = data.get("disable") or []
    if not isinstance(raw_disable, list):
        raise GuardRulesError(f"{source}: disable must be a list of {{id, reason}}")
    for i, item in enumerate(raw_disable):
        if not isinstance(item, Mapping) or not str(item.get("id") or "").strip():
            raise GuardRulesError(f"{source}: disable[{i}]: needs an id")
        reason = str(item.get("reason") or "").strip()
        if not reason:
            raise GuardRulesError(f"{source}: disable[{i}] ({item['id']}): a reason is required to disable a rule")
        disabled.append(DisabledRule(str(item["id"]).strip(), reason, source))
    return GuardRules(rules, tuple(disabled), (source,))


def load_rules_text(text: str, source: str) -> GuardRules:
    """Parse a YAML rules file's text (the caller reads the file)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise GuardRulesError(f"{source}: not valid YAML: {exc}") from None
    return rules_from_data(data, source)


DEFAULT_FILES = ("guard_rules.yaml", "viewer_text_rules.yaml")


def _shipped(name: str) -> GuardRules:
    text = resources.files("script").joinpath(name).read_text(encoding="utf-8")
    return load_rules_text(text, f"livehost:{name}")


def default_rules() -> GuardRules:
    """The rules shipped with livehost (package data, read once per call): the advertising-law
    and fact rules, and the lists only viewer-supplied text is read against (scope: viewer)."""
    return merge_rules(_shipped("guard_rules.yaml"), _shipped("viewer_text_rules.yaml"))


def _merge_options(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, list) and isinstance(merged.get(key), list):
            merged[key] = merged[key] + [v for v in value if v not in merged[key]]
        else:
            merged[key] = value
    return merged


def merge_rules(base: GuardRules, extra: GuardRules) -> GuardRules:
    """`base` extended by `extra`: same id appends terms/patterns/exceptions/list options (and
    replaces message/type/categories when given); a new id adds a rule; disabled ids go."""
    rules = {r.id: r for r in base.rules}
    for rule in extra.rules:
        old = rules.get(rule.id)
        if old is None:
            rules[rule.id] = rule
            continue
        rules[rule.id] = replace(
            old,
            type=rule.type or old.type,
            message=rule.message or old.message,
            categories=rule.categories or old.categories,
            allowed_if_in_specs=rule.allowed_if_in_specs or old.allowed_if_in_specs,
            options=MappingProxyType(_merge_options(old.options, rule.options)),
            source=f"{old.source}+{rule.source}",
            scope=rule.scope or old.scope,
            **{name: getattr(old, name) + tuple(v for v in getattr(rule, name) if v not in getattr(old, name))
               for name in _LIST_FIELDS},
        )
    for item in extra.disabled:
        if item.id not in rules:
            raise GuardRulesError(f"{item.source}: disable: no rule {item.id!r} to disable "
                                  f"(known: {', '.join(sorted(rules))})")
        del rules[item.id]
    return GuardRules(tuple(rules.values()), base.disabled + extra.disabled, base.sources + extra.sources)


def rules_summary(rules: GuardRules) -> list[dict[str, str]]:
    """id, type and message of each active rule, and each disabled rule with its reason (for reports)."""
    active = [{"id": r.id, "type": r.type, "message": r.message, "source": r.source, "scope": r.scope or "all"}
              for r in rules.rules]
    disabled = [{"id": d.id, "disabled": "yes", "reason": d.reason, "source": d.source} for d in rules.disabled]
    return active + disabled
