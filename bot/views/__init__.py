"""Block Kit builders: pure functions from domain values to Slack JSON. They enforce Slack's
limits (50 blocks a message, 100 a view, 3000 chars a section) so callers cannot exceed them."""
