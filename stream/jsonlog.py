"""Structured JSON logs: one object per line, secrets scrubbed before anything is written."""
from __future__ import annotations

import json
import logging
import re
import threading
from datetime import datetime, timezone

from .outputs import redact_url

_URL = re.compile(r"\b(?:rtmps?|rtmpt|srt|https?)://\S+", re.IGNORECASE)
_RESERVED = set(vars(logging.makeLogRecord({})))


class SecretScrubber:
    """Values registered here (stream keys, console tokens) are replaced by *** wherever they
    appear; URLs are redacted as well, in case a secret arrives before it was registered."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()
        self._lock = threading.Lock()

    def add(self, secret: str) -> None:
        if secret and len(secret) >= 4:
            with self._lock:
                self._secrets.add(secret)

    def scrub(self, text: str) -> str:
        text = _URL.sub(lambda m: redact_url(m.group(0)), text)
        with self._lock:
            secrets = sorted(self._secrets, key=len, reverse=True)
        for secret in secrets:
            text = text.replace(secret, "***")
        return text


SECRETS = SecretScrubber()


class JsonFormatter(logging.Formatter):
    def __init__(self, scrubber: SecretScrubber = SECRETS) -> None:
        super().__init__()
        self._scrubber = scrubber

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": self._scrubber.scrub(record.getMessage()),
        }
        for key, value in vars(record).items():  # fields passed with extra={...}
            if key not in _RESERVED and not key.startswith("_"):
                entry[key] = self._scrub_value(value)
        if record.exc_info:
            entry["exc"] = self._scrubber.scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)

    def _scrub_value(self, value: object) -> object:
        if isinstance(value, str):
            return self._scrubber.scrub(value)
        if isinstance(value, dict):
            return {k: self._scrub_value(v) for k, v in value.items()}
        return value


def use_json_logs(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
