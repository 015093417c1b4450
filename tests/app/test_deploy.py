"""docker-compose.yml and the container entrypoint: PostgreSQL with a health check, the
migrations once before anything else, two serve replicas behind the proxy, one scheduler and
one worker, each running a real `salespulse` command."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from handlers.cli import cli

ROOT = Path(__file__).parents[2]
APP = {"migrate", "serve-1", "serve-2", "scheduler", "worker"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_services_and_their_order(compose):
    services = compose["services"]
    assert set(services) == APP | {"db", "proxy"}
    assert services["db"]["healthcheck"]["test"][0] == "CMD-SHELL"
    assert "pg_isready" in services["db"]["healthcheck"]["test"][1]
    assert services["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert services["migrate"]["restart"] == "no"
    for name in APP - {"migrate"}:
        assert services[name]["depends_on"] == {
            "migrate": {"condition": "service_completed_successfully"}
        }, name
    assert services["proxy"]["depends_on"] == {
        "serve-1": {"condition": "service_healthy"},
        "serve-2": {"condition": "service_healthy"},
    }
    commands = {name: services[name]["command"] for name in APP}
    assert commands == {
        "migrate": ["migrate"],
        "serve-1": ["serve"],
        "serve-2": ["serve"],
        "scheduler": ["scheduler"],
        "worker": ["worker"],
    }
    for name in APP:  # one database for all, from .env otherwise
        assert services[name]["environment"]["DATABASE_URL"].endswith("@db:5432/salespulse")
        assert services[name]["env_file"] == ".env"
    assert "/healthz" in " ".join(services["serve-1"]["healthcheck"]["test"])
    assert services["scheduler"]["healthcheck"] == {"disable": True}  # no HTTP there


def test_the_proxy_balances_over_both_replicas(compose):
    [volume] = compose["services"]["proxy"]["volumes"]
    conf = (ROOT / volume.split(":")[0]).read_text()
    assert re.findall(r"server (serve-\d):3000", conf) == ["serve-1", "serve-2"]
    assert "proxy_pass http://salespulse;" in conf


def test_every_command_the_containers_run_exists():
    for command in ("migrate", "serve", "scheduler", "worker"):
        assert command in cli.commands, command


def _compose() -> list[str] | None:
    """Docker's compose plugin, else the standalone docker-compose; None without either."""
    if shutil.which("docker"):
        plugin = subprocess.run(["docker", "compose", "version"], capture_output=True)
        if plugin.returncode == 0:
            return ["docker", "compose"]
    return ["docker-compose"] if shutil.which("docker-compose") else None


@pytest.mark.skipif(_compose() is None, reason="neither docker compose nor docker-compose")
def test_compose_config_validates(tmp_path):
    for name in ("docker-compose.yml", "Dockerfile"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "deploy", tmp_path / "deploy")
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    checked = subprocess.run(
        [*_compose(), "config", "--quiet"],  # type: ignore[misc]
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 0, checked.stderr


def entrypoint(tmp_path: Path, *args: str) -> list[str]:
    """What bin/docker-entrypoint runs, with a `salespulse` that only prints its arguments."""
    fake = tmp_path / "bin" / "salespulse"
    fake.parent.mkdir(exist_ok=True)
    fake.write_text('#!/bin/sh\necho "salespulse $*"\n')
    fake.chmod(0o755)
    env = {"PATH": f"{fake.parent}:{os.environ['PATH']}", "PORT": "8080"}
    done = subprocess.run(
        [str(ROOT / "bin" / "docker-entrypoint"), *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.splitlines()


def test_entrypoint_runs_one_node_by_default_and_commands_as_given(tmp_path):
    assert entrypoint(tmp_path) == [
        "salespulse migrate",
        "salespulse serve --with-scheduler --host 0.0.0.0 --port 8080",
    ]
    assert entrypoint(tmp_path, "--port", "9000")[-1].endswith("--port 8080 --port 9000")
    assert entrypoint(tmp_path, "serve") == ["salespulse serve --host 0.0.0.0 --port 8080"]
    assert entrypoint(tmp_path, "scheduler") == ["salespulse scheduler"]
    assert entrypoint(tmp_path, "worker") == ["salespulse worker"]
    assert entrypoint(tmp_path, "migrate") == ["salespulse migrate"]
