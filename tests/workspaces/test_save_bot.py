from slack_sdk.oauth.installation_store import Bot

from bot.core.installations import DatabaseInstallationStore
from storage.models.workspaces import Installation


def test_save_bot_replaces_the_installed_workspaces_token(db):
    with db.session() as s:
        s.add(Installation(team_id="T9", bot_token="xoxb-old"))
    DatabaseInstallationStore(db).save_bot(
        Bot(
            app_id="A1",
            enterprise_id=None,
            team_id="T9",
            bot_token="xoxb-new",
            bot_id="B1",
            bot_user_id="U1",
            bot_scopes=["chat:write"],
            installed_at=1_790_000_000.0,
        )
    )
    with db.session() as s:
        row = s.get(Installation, "T9")
        assert (row.bot_token, row.bot_id, row.bot_scopes) == ("xoxb-new", "B1", "chat:write")
