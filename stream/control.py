"""Operator control: each console action becomes a director event (or a runtime action), is
checked, and is logged as structured JSON with the operator's name.

Actions run on the producer's thread through ShowProducer.submit_control, in a lane of their
own that the show drains before any chat, so the director is only ever touched by one thread
and no chat backlog can hold an action up. Catalog edits are transactions on the newest catalog
(stream.catalog_edits), acknowledged once queued in that lane. Persona switches load and
validate the whole bundle off that thread first; a bundle that fails to load leaves the show on
its current persona.
"""
from __future__ import annotations

import asyncio
import logging
import math
from typing import Callable

from script.director import (MODES, ApproveReply, EmergencyStop, OperatorSay, PauseRundown, PinProduct,
                             RejectReply, ResumeShow, SetMode)

from speech.voice import voice_problems

from .catalog_edits import EditRefused, set_price_and_stock
from .persona_bundle import PersonaError, prepare_persona, shipped_personas
from .show import ShowProducer
from .supervisor import cover_restarts
from .show_messages import StagedPersona

audit = logging.getLogger("livehost.audit")
MAX_OPERATOR_NAME = 40
MAX_SAY_CHARS = 200
MAX_PENDING_CONTROLS = 64  # actions the show has not applied yet; more means it is stuck: refuse, never drop


class ControlError(ValueError):
    """An operator action was refused; the message says why (shown on the console)."""


def build_persona(persona_id: str, make_engine: Callable, operator: str,
                  size: tuple[int, int] = (1280, 720)) -> StagedPersona:
    """Everything that can fail or take time: bundle validation, likeness and consent checks,
    drawing the host, loading the voice."""
    prepared = prepare_persona(persona_id, size)
    problems = voice_problems(prepared.bundle.voice)
    if problems:  # refused, not aired with the espeak fallback
        raise PersonaError(f"its voice is not installed: {'; '.join(problems)}")
    engine = make_engine(prepared.bundle.voice)
    engine.load()
    return StagedPersona(prepared.bundle, engine, prepared.renderer, operator)


def _operator(data: dict) -> str:
    name = data.get("operator")
    if not isinstance(name, str) or not name.strip():
        raise ControlError("'operator' (the name of the person at the console) is required")
    name = name.strip()
    if len(name) > MAX_OPERATOR_NAME:
        raise ControlError(f"'operator' is longer than {MAX_OPERATOR_NAME} characters")
    return name


def _text(data: dict, key: str, limit: int) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ControlError(f"'{key}' must be a non-empty string")
    if len(value) > limit:
        raise ControlError(f"'{key}' is longer than {limit} characters")
    return value.strip()


def _number(data: dict, key: str) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ControlError(f"'{key}' must be a finite number")
    return float(value)


class ShowControl:
    """The console's verbs. `producer` is looked up on every call: a restarted stage has a new one."""

    def __init__(self, producer: Callable[[], ShowProducer], holding: Callable[[bool], None],
                 make_engine: Callable, notify: Callable[[dict], None]) -> None:
        self._producer = producer
        self._holding = holding
        self._make_engine = make_engine
        self._notify = notify
        self.persona_loading: str | None = None

    def log(self, operator: str, action: str, detail: str = "") -> None:
        audit.info("operator %s: %s %s", operator, action, detail,
                   extra={"operator": operator, "action": action, "detail": detail})
        self._notify({"type": "audit", "operator": operator, "action": action, "detail": detail})

    async def handle(self, data: dict) -> dict:
        operator = _operator(data)
        action = data.get("action")
        handler = {
            "mode": self._mode, "say": self._say, "approve": self._approve, "reject": self._reject,
            "pin": self._pin, "product": self._product, "pause": self._pause, "stop": self._stop,
            "resume": self._resume, "persona": self._persona,
        }.get(action if isinstance(action, str) else "")
        if handler is None:
            raise ControlError(f"unknown action {action!r}")
        waiting = self._producer().inbox.pending_controls
        if waiting >= MAX_PENDING_CONTROLS:
            raise ControlError(f"the show has not applied the last {waiting} actions yet; try again in a moment")
        return await handler(operator, data)

    def _feed(self, event: object) -> None:
        self._producer().submit_control(lambda p: p.feed_director(event))

    async def _mode(self, operator: str, data: dict) -> dict:
        mode = data.get("mode")
        if mode not in MODES:
            raise ControlError(f"'mode' must be one of {', '.join(MODES)}")
        self._feed(SetMode(mode, operator))
        return {"mode": mode}

    async def _say(self, operator: str, data: dict) -> dict:
        self._feed(OperatorSay(_text(data, "text", MAX_SAY_CHARS), operator))
        return {}

    async def _approve(self, operator: str, data: dict) -> dict:
        self._feed(ApproveReply(_text(data, "line_id", 64), operator))
        return {}

    async def _reject(self, operator: str, data: dict) -> dict:
        self._feed(RejectReply(_text(data, "line_id", 64), operator))
        return {}

    async def _pin(self, operator: str, data: dict) -> dict:
        sku = data.get("sku")
        if sku is not None and (not isinstance(sku, str) or not sku.strip()):
            raise ControlError("'sku' must be a product SKU or null to unpin")
        self._feed(PinProduct(sku.strip() if sku else None, operator))
        return {}

    async def _product(self, operator: str, data: dict) -> dict:
        sku = _text(data, "sku", 64)
        price, stock = _number(data, "price"), _number(data, "stock")
        try:
            edit = set_price_and_stock(sku, price, stock)
            # Off the event loop: the new facts are indexed (embedded) while the edit commits.
            catalog = await asyncio.to_thread(self._producer().edit_catalog, edit)
        except EditRefused as exc:
            raise ControlError(str(exc)) from None
        product = catalog.product(sku)
        assert product is not None  # the edit checked it on this very catalog
        self.log(operator, "product", f"{sku} price={price} stock={stock}")
        return {"sku": sku, "price": product.price, "stock": product.stock}

    async def _pause(self, operator: str, data: dict) -> dict:
        paused = data.get("paused")
        if not isinstance(paused, bool):
            raise ControlError("'paused' must be true or false")
        self._feed(PauseRundown(paused, operator))
        return {"paused": paused}

    async def _stop(self, operator: str, data: dict) -> dict:
        reason = data.get("reason") if isinstance(data.get("reason"), str) else ""
        self._holding(True)  # the holding card goes up at the next frame, whatever the director does
        self._feed(EmergencyStop(operator, reason[:200]))
        return {"stopped": True}

    async def _resume(self, operator: str, data: dict) -> dict:
        self._feed(ResumeShow(operator))
        self._holding(False)
        return {"stopped": False}

    async def _persona(self, operator: str, data: dict) -> dict:
        persona_id = _text(data, "persona", 100)
        known = shipped_personas()
        if persona_id not in known:  # never a path: the console must not load files it names
            raise ControlError(f"unknown persona {persona_id[:40]!r}, the show keeps its current persona; "
                               f"choose one of {', '.join(known)}")
        if self.persona_loading is not None:
            raise ControlError(f"persona {self.persona_loading!r} is still loading")
        self.persona_loading = persona_id
        try:
            prepared = await asyncio.to_thread(build_persona, persona_id, self._make_engine, operator,
                                               self._producer().frame_size)
        except (PersonaError, ValueError, OSError, RuntimeError) as exc:
            self.log(operator, "persona", f"refused: {persona_id}: {exc}")
            raise ControlError(f"persona {persona_id!r} not loaded, the show keeps its current persona: {exc}") \
                from None
        finally:
            self.persona_loading = None
        cover_restarts(prepared.engine, self._producer)
        self._producer().submit_control(lambda p: p.stage_persona(prepared))
        return {"persona": prepared.bundle.persona_id}
