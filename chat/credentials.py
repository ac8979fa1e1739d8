"""Credentials (cookies, app secrets, webhook secrets) from the environment or a file, never argv or config.

A `Secret` prints as its source ("env LIVEHOST_BILI_COOKIE"), never its value; whoever loads one
registers the value with the log scrubber (stream.jsonlog.SECRETS).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


class CredentialError(ValueError):
    """A credential that is missing or unreadable; the message names where it was looked for."""


@dataclass(frozen=True)
class Secret:
    source: str  # "env NAME" or "file PATH": safe to print
    value: str = field(repr=False)

    def __str__(self) -> str:
        return f"<secret from {self.source}>"


def read_secret(what: str, env: str | None = None, file: str | None = None, min_chars: int = 1) -> Secret:
    """The secret from environment variable `env` (first) or `file`; CredentialError names both."""
    if env and os.environ.get(env, "").strip():
        secret = Secret(f"env {env}", os.environ[env].strip())
    elif file:
        try:
            secret = Secret(f"file {file}", Path(file).read_text(encoding="utf-8").strip())
        except OSError as exc:
            raise CredentialError(f"{what}: cannot read {file}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise CredentialError(f"{what}: {file} is not UTF-8 text") from None
        if not secret.value:
            raise CredentialError(f"{what}: {file} is empty")
    else:
        where = " or ".join(x for x in (f"environment variable {env}" if env else "", f"file {file}" if file else "") if x)
        raise CredentialError(f"{what}: not set ({where or 'no environment variable or file configured'})")
    if len(secret.value) < min_chars:
        raise CredentialError(f"{what} from {secret.source} is shorter than {min_chars} characters")
    return secret


def optional_secret(what: str, env: str | None = None, file: str | None = None) -> Secret | None:
    """Like read_secret, but None when neither is set (a named file that is missing is still an error)."""
    if (env and os.environ.get(env, "").strip()) or file:
        return read_secret(what, env, file)
    return None


def cookie_fields(cookie: str) -> dict[str, str]:
    """`SESSDATA=...; DedeUserID=...` as a dict (names as written)."""
    fields = {}
    for part in cookie.split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name:
            fields[name] = value
    return fields
