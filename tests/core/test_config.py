"""Settings and the TOML config fail with one line that names the setting."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.core.config import AppConfig, ConfigError, Settings


def test_defaults():
    s = Settings(_env_file=None)
    assert s.slack_api_url == "https://slack.com/api/"
    assert s.database_url == "sqlite:///salespulse.db"


def test_postgres_url_uses_psycopg3_driver():
    s = Settings(_env_file=None, database_url="postgresql://u@h/db")
    assert s.database_url == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (
            {"DATABASE_URL": "mysql://x"},
            "DATABASE_URL: must start with sqlite:/// or postgresql+psycopg://",
        ),
        ({"SLACK_API_URL": "slack.com"}, "SLACK_API_URL: must be an http(s) URL"),
    ],
)
def test_malformed_env_names_the_setting(monkeypatch, env, expected):
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    with pytest.raises(ConfigError) as err:
        Settings.from_env(_env_file=None)
    assert str(err.value).startswith(expected)


def test_require_names_missing_and_wrong_tokens():
    with pytest.raises(ConfigError, match=r"^SLACK_SIGNING_SECRET is not set"):
        Settings(_env_file=None, slack_bot_token="xoxb-1").require(
            "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"
        )
    with pytest.raises(ConfigError, match=r"^SLACK_BOT_TOKEN: must be a bot token"):
        Settings(_env_file=None, slack_bot_token="xoxp-1").require("SLACK_BOT_TOKEN")
    with pytest.raises(ConfigError, match=r"^SLACK_APP_TOKEN: must be an app-level token"):
        Settings(_env_file=None, slack_bot_token="xoxb-1", slack_app_token="xoxb-2").require(
            "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"
        )


def test_toml_errors_name_file_and_key(tmp_path):
    bad_tz = tmp_path / "a.toml"
    bad_tz.write_text('[workspace]\ntimezone = "Mars/Base"\n', encoding="utf-8")
    with pytest.raises(
        ConfigError, match=r"a.toml: \[workspace.timezone\] unknown time zone 'Mars/Base'"
    ):
        AppConfig.load(bad_tz)
    typo = tmp_path / "b.toml"
    typo.write_text('[chanels]\nrecognition = "C1"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"b.toml: \[chanels\] Extra inputs are not permitted"):
        AppConfig.load(typo)
    broken = tmp_path / "c.toml"
    broken.write_text("[workspace\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"c\.toml: not valid TOML"):
        AppConfig.load(broken)


def test_example_config_is_valid():
    config = AppConfig.load(__import__("pathlib").Path("salespulse.example.toml"))
    assert config.workspace.default_locale == "zh-CN"


def test_cli_prints_one_line_not_a_traceback(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": "mysql://nope", "HOME": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-c", "from handlers.cli import main; main()", "migrate"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "salespulse: DATABASE_URL: must start with sqlite:/// or postgresql+psycopg://"
    ]
    assert "Traceback" not in proc.stderr


def test_serve_without_token_fails_with_one_line(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-c", "from handlers.cli import main; main()", "serve"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        cwd=tmp_path,
    )
    assert proc.returncode == 2
    assert (
        proc.stderr.strip() == "salespulse: SLACK_BOT_TOKEN is not set (see README: Configuration)"
    )
