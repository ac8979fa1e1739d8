"""`livehost run --config FILE`: the example parses, bad keys are named, URLs never sit in the file."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import free_port
from stream.cli import main
from stream.show_config import ConfigError, parse_show_config

ROOT = Path(__file__).resolve().parent.parent


def test_example_config_parses_with_its_secrets_from_env_and_file(tmp_path, monkeypatch):
    monkeypatch.setenv("LIVEHOST_RTMP_URL", "rtmp://ingest.example/live/SECRETKEY1")
    example = yaml.safe_load((ROOT / "examples/show.yaml").read_text())
    secret_file = tmp_path / "backup"
    secret_file.write_text("rtmp://backup.example/app/SECRETKEY2\n")
    example["outputs"][1]["url_file"] = str(secret_file)
    config = parse_show_config(example, "show.yaml", ROOT / "examples")
    assert [o.format for o in config.outputs] == ["flv", "flv", "mp4"]
    assert config.outputs[0].target == "rtmp://ingest.example/live/SECRETKEY1"
    assert config.outputs[1].target == "rtmp://backup.example/app/SECRETKEY2"
    assert config.persona == "food" and config.console_host == "127.0.0.1" and config.live_view
    assert "SECRETKEY" not in repr(config)
    assert config.catalog == str(ROOT / "examples/../stream/default_catalog.yaml")


@pytest.mark.parametrize("data, key", [
    ({"persona": 3}, "persona"),
    ({"colour": "red"}, "colour"),
    ({"outputs": [{"type": "rtmp", "url": "rtmp://x/app/KEY"}]}, "outputs[0].url"),
    ({"outputs": [{"type": "rtmp"}]}, "outputs[0]"),
    ({"outputs": [{"type": "rtmp", "url_env": "LIVEHOST_TEST_UNSET_VAR"}]}, "outputs[0].url_env"),
    ({"outputs": [{"type": "record"}]}, "outputs[0].path"),
    ({"outputs": [{"type": "srt"}]}, "outputs[0].type"),
    ({"console": {"port": 70000}}, "console.port"),
    ({"chat": {"client_rate": 0}}, "chat.client_rate"),
    ({"chat": {"room_burst": "lots"}}, "chat.room_burst"),
    ({"console": {"enabled": "yes"}}, "console.enabled"),
    ({"chat": {"hots": "0.0.0.0"}}, "chat.hots"),
    ({"layout": "diagonal"}, "layout"),
    ({"supervisor": {"stall_s": 0}}, "supervisor.stall_s"),
    ({"logging": {"format": "xml"}}, "logging.format"),
])
def test_bad_config_is_refused_naming_the_key(data, key):
    with pytest.raises(ConfigError) as info:
        parse_show_config(data, "show.yaml")
    assert str(info.value).startswith(f"show.yaml: {key}:")
    assert "KEY" not in str(info.value)


def test_cli_reports_a_bad_config_and_exits_2(tmp_path, capsys):
    bad = tmp_path / "show.yaml"
    bad.write_text("outputs: [{type: record}]\n")
    assert main(["run", "--config", str(bad)]) == 2
    assert "outputs[0].path: required" in capsys.readouterr().err
    assert main(["run", "--config", str(tmp_path / "missing.yaml")]) == 2


def test_run_with_a_config_file_records_and_serves_metrics(tmp_path):
    record = tmp_path / "show.mp4"
    port = free_port()
    config = tmp_path / "show.yaml"
    config.write_text(yaml.safe_dump({
        "outputs": [{"type": "record", "path": str(record)}],
        "console": {"port": port, "token_file": str(tmp_path / "token"), "state_dir": str(tmp_path)},
        "chat": {"port": free_port()}, "seconds": 4, "logging": {"format": "json"},
    }))
    proc = subprocess.run([sys.executable, "-m", "stream.cli", "run", "--config", str(config)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert f"console: http://127.0.0.1:{port}/" in proc.stdout and str(tmp_path / "token") in proc.stdout
    token = (tmp_path / "token").read_text().strip()
    assert token not in proc.stdout and token not in proc.stderr
    logs = [json.loads(line) for line in proc.stderr.splitlines() if line.startswith("{")]
    assert logs and all({"ts", "level", "logger", "msg"} <= set(entry) for entry in logs)
    out = subprocess.run(["ffprobe", "-v", "error", "-show_format", "-of", "json", str(record)],
                         capture_output=True, text=True, timeout=30, check=True).stdout
    assert abs(float(json.loads(out)["format"]["duration"]) - 4.0) < 0.2


def test_chat_rate_limits_come_from_the_file_and_default_to_safe_values():
    config = parse_show_config({"chat": {"client_rate": 50, "room_burst": 1000}})
    assert (config.chat_limits.client_rate, config.chat_limits.room_burst) == (50, 1000)
    assert parse_show_config({}).chat_limits.client_rate == 1.0
