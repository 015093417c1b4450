"""When a demo command fails: the kinds of failure, the app's refusals and crashes read
from its log, and the catalogs' error texts recognised in replies."""

from __future__ import annotations

import logging
import re

from bot.i18n import CATALOG_FILES, catalog


class Failure(Exception):
    """A command that failed. kind: "usage" (the console line is wrong), "refused" (the bot
    said no: an error reply or modal errors), "broken" (a crash, a call Slack would reject,
    no reply), "expectation" (an `expect` line did not hold)."""

    def __init__(self, message: str, kind: str = "usage") -> None:
        super().__init__(message)
        self.kind = kind


class LogWatch(logging.Handler):
    """Collects the app's refusals and errors while an action runs."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        refused = record.name == "salespulse" and record.getMessage().startswith("refused:")
        if refused or record.levelno >= logging.ERROR:
            self.records.append(record)


def error_patterns() -> list[re.Pattern[str]]:
    """Every `error.*` catalog text in every language, placeholders as wildcards."""
    patterns = []
    for locale in CATALOG_FILES:
        for key, text in catalog(locale).items():
            if key.startswith("error."):
                parts = re.split(r"\{[a-z_]+\}", text)
                patterns.append(re.compile(".*?".join(re.escape(p) for p in parts), re.DOTALL))
    return patterns
