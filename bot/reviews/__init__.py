"""Review cycles: self, manager and peer reviews of a period, with reminders and summaries."""
