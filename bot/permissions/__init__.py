"""Who may see or do what: the only place such rules live; handlers, services and views ask
here. One module per feature (feedback, kpi) on top of the roles every feature shares.

Roles: rep < manager < hr < admin. A manager's authority covers their whole reporting
tree (the manager chain of a user), not their peers' reports."""
