"""What the operator console sees of the director (chat as classified, proposed replies, the
audit trail, guard blocks), and the operator's settings, kept so a restarted stage gets them back."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from script.director import (MODES, ChatClassified, EmergencyStop, GuardBlocked, LineDropped, OperatorLogged,
                             PauseRundown, PinProduct, ProposeReply, Say, SetMode, StopShow)

from .control import audit

SUPERVISOR = "supervisor"  # the name in the audit log for settings restored after a stage restart


@dataclass
class OperatorSettings:
    mode: str = "auto"
    paused: bool = False
    pinned: str | None = None

    def note(self, logged: OperatorLogged) -> None:
        """Follow what the director applied (not what was asked: a refused pin changes nothing)."""
        if logged.action == "mode" and logged.detail in MODES:
            self.mode = logged.detail
        elif logged.action in ("pause", "unpause"):
            self.paused = logged.action == "pause"
        elif logged.action == "pin" and not logged.detail.startswith("refused"):
            self.pinned = None if logged.detail == "unpinned" else logged.detail

    def restore(self, holding: bool) -> list[object]:
        """Director events that give a fresh director these settings."""
        events: list[object] = [SetMode(self.mode, SUPERVISOR)]
        if self.paused:
            events.append(PauseRundown(True, SUPERVISOR))
        if self.pinned is not None:
            events.append(PinProduct(self.pinned, SUPERVISOR))
        if holding:
            events.append(EmergencyStop(SUPERVISOR, "still stopped after a stage restart"))
        return events


def console_message(action: object) -> dict | None:
    """The console's event for a director action, or None for actions it does not show."""
    if isinstance(action, ChatClassified):
        return {"type": "chat", "user": action.event.user, "kind": action.kind, "text": action.redacted_text}
    if isinstance(action, ProposeReply):
        return {"type": "proposal", "line_id": action.line.line_id, "user": action.event.user,
                "question": action.event.text, "text": action.line.text}
    if isinstance(action, (Say, LineDropped)):
        return {"type": "proposal_done", "line_id": action.line.line_id if isinstance(action, Say) else action.line_id}
    if isinstance(action, OperatorLogged):
        return {"type": "audit", "operator": action.operator, "action": action.action, "detail": action.detail}
    if isinstance(action, GuardBlocked):
        return {"type": "error", "message": f"guard blocked the {action.kind} line ({', '.join(action.rules)}): "
                                            f"{action.text}"}
    return None


class ConsoleFeed:
    """The producer's action listener: audits operator actions, keeps their settings, publishes
    what the console shows, and puts the holding card up on a director's stop."""

    def __init__(self, publish: Callable[[dict], None], hold: Callable[[bool], None]) -> None:
        self._publish = publish
        self._hold = hold
        self.settings = OperatorSettings()

    def on_action(self, action: object, now: float) -> None:
        """Called on the producer's thread."""
        if isinstance(action, OperatorLogged):
            audit.info("operator %s: %s %s", action.operator, action.action, action.detail,
                       extra={"operator": action.operator, "action": action.action, "detail": action.detail})
            self.settings.note(action)
        elif isinstance(action, StopShow):
            self._hold(True)
        message = console_message(action)
        if message is not None:
            self._publish(message)
