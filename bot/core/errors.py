"""Errors a user can act on. Services raise them; the one Bolt error handler renders the
catalog text in the user's language. Anything else is a bug: logged with an id."""

from __future__ import annotations


class UserFacingError(Exception):
    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class NotAllowed(UserFacingError):
    def __init__(self, key: str = "error.not_allowed", **params: object) -> None:
        super().__init__(key, **params)
