"""SalesPulse: continuous feedback and sales performance management in Slack."""
