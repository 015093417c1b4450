"""Who may see a person's performance: self, manager chain, HR, admin; nobody else."""

from __future__ import annotations

from bot.org import directory
from bot.permissions.roles import can_view_performance


def test_performance_visibility(deps, org):
    p = org.standard()
    admin = org.person("UADMIN", "Ada Admin", team=None, role="admin")
    allowed = {
        "alice": {"alice", "east_mgr", "director", "hr", "admin"},
        "carol": {"carol", "west_mgr", "director", "hr", "admin"},
        "east_mgr": {"east_mgr", "director", "hr", "admin"},
    }
    everyone = {**p, "admin": admin}
    with deps.db.session() as s:
        for subject, viewers in allowed.items():
            for name, viewer in everyone.items():
                seen = can_view_performance(s, viewer, everyone[subject])
                assert seen == (name in viewers), f"{name} viewing {subject}"


def test_manager_chain_and_tree(deps, org):
    p = org.standard()
    with deps.db.session() as s:
        assert [u.slack_id for u in directory.manager_chain(s, p["alice"])] == ["UEMGR", "UDIR"]
        tree = {u.slack_id for u in directory.reporting_tree(s, p["director"])}
        assert tree == {"UEMGR", "UWMGR", "UALICE", "UBOB", "UXW", "UCAROL"}
        assert {u.slack_id for u in directory.reporting_tree(s, p["west_mgr"])} == {"UCAROL"}
