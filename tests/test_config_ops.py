"""The config as operators meet it: secrets, file modes, every error at once, the data home."""

from __future__ import annotations

from pathlib import Path

import pytest

from dripcast.core.config import load
from dripcast.core.errors import ConfigError

ROOT = Path(__file__).parent.parent


def test_dripcast_home_takes_the_relative_data_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The unit sets DRIPCAST_HOME=/var/lib/dripcast: under ProtectSystem=strict only that
    # folder is writable, so the shipped config's var/outbox and var/dripcast.db go there.
    monkeypatch.setenv("DRIPCAST_HOME", str(tmp_path))
    cfg = load(ROOT / "config.yaml")
    assert cfg.database_url == f"sqlite:///{tmp_path}/var/dripcast.db"
    assert cfg.resolve(cfg.service.spool_dir) == tmp_path / "var/spool"
    assert cfg.data_root == tmp_path
    monkeypatch.delenv("DRIPCAST_HOME")
    assert load(ROOT / "config.yaml").data_root == ROOT


BRAND = """\
  - id: shop
    name: Shop
    address: shop@localhost
    channels:
      - {id: out, type: outbox, path: out}
"""


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "config.yaml"
    p.write_text(text)
    return p


def run(config: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    from click.testing import CliRunner

    from dripcast.cli import main

    result = CliRunner(env={"COLUMNS": "200", **(env or {})}).invoke(
        main, ["--config", str(config), *args]
    )
    return result.exit_code, result.output


def test_a_literal_secret_in_yaml_is_an_error_naming_file_line_key(tmp_path: Path) -> None:
    from ingest.recipients import new_token

    tag = new_token()
    p = write(
        tmp_path,
        "brands:\n" + BRAND + "      - {id: m, type: mastodon, instance: https://m.example,"
        " token: s3cr3t-t0ken}\n"
        f"    verify: token\n    token: {tag}\n",
    )
    code, out = run(p, "check")
    assert code == 2
    assert f"{p}:7: brands.0.channels.1.token: a secret written in the config" in out
    assert f"{p}:9: brands.0.token: a secret written in the config" in out
    assert "s3cr3t-t0ken" not in out and tag not in out


def test_a_world_readable_secret_file_is_a_warning_naming_file_line_key(tmp_path: Path) -> None:
    tok = tmp_path / "tok"
    tok.write_text("s3cr3t\n")
    tok.chmod(0o644)
    p = write(
        tmp_path,
        "brands:\n" + BRAND + "      - {id: m, type: mastodon, instance: https://m.example,"
        " token: '${file:tok}'}\n",
    )
    code, out = run(p, "check")
    assert code == 0
    assert f"warning: {p}:7: brands.0.channels.1.token: secret file {tok} is readable" in out
    tok.chmod(0o600)
    assert "warning" not in run(p, "check")[1]


@pytest.mark.parametrize("content", ["abc\ndef\n", "abc\rdef", "ab\x00c", "tok\x1b[0m"])
def test_a_secret_with_a_control_character_is_refused_without_echoing_it(
    tmp_path: Path, content: str
) -> None:
    (tmp_path / "tok").write_text(content)
    p = write(
        tmp_path,
        "brands:\n" + BRAND + "      - {id: m, type: mastodon, instance: https://m.example,"
        " token: '${file:tok}'}\n",
    )
    cfg = load(p)  # read-only commands still load the config
    errors, _ = cfg.secret_problems()
    assert errors == [
        f"{p}:7: brands.0.channels.1.token: the secret from ${{file:tok}} holds a control"
        " character (a line break?); a secret is one line"
    ]
    code, out = run(p, "check")
    assert code == 2 and "control character" in out
    assert "abc" not in out and "def" not in out


def test_read_only_commands_need_no_channel_secret(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        "brands:\n" + BRAND + "      - {id: m, type: mastodon, instance: https://m.example,"
        " token: '${UNSET_M_TOKEN}'}\n"
        "    verify: token\n    token: ${UNSET_SHOP_TOKEN}\n",
    )
    cfg = load(p)
    assert hash(cfg) == hash(load(p)) and cfg == load(p)  # without reading a secret
    assert run(p, "queue")[0] == 0
    assert run(p, "report")[0] == 0
    code, out = run(p, "token", "shop")  # how the brand's token is made in the first place
    assert code == 0 and "shop+" in out
    code, out = run(p, "check")
    assert code == 2
    assert f"{p}:7: brands.0.channels.1.token: environment variable UNSET_M_TOKEN is not set" in out
    assert f"{p}:9: brands.0.token: environment variable UNSET_SHOP_TOKEN is not set" in out
    code, out = run(p, "serve")
    assert code == 2 and "UNSET_M_TOKEN is not set" in out


def test_a_weak_token_from_the_environment_is_named_at_check(tmp_path: Path) -> None:
    p = write(tmp_path, "brands:\n" + BRAND + "    verify: token\n    token: ${SHOP_TOKEN}\n")
    code, out = run(p, "check", env={"SHOP_TOKEN": "short"})
    assert code == 2 and f"{p}:8: brands.0.token: the token is too short" in out


def test_every_error_is_listed_and_typos_get_the_nearest_key(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        "service:\n  smtp: {prot: 25}\n"
        "brands:\n" + BRAND + "      - {id: m, type: mastodn}\n"
        "    drip: {max_per_dya: 2, days: 0}\n",
    )
    with pytest.raises(ConfigError) as e:
        load(p)
    lines = str(e.value).splitlines()
    assert f"{p}:2: service.smtp.prot: unknown key; did you mean `port`?" in lines
    assert f"{p}:10: brands.0.drip.max_per_dya: unknown key; did you mean `max_per_day`?" in lines
    assert any(line.startswith(f"{p}:10: brands.0.drip.days: ") for line in lines)
    assert f"{p}:9: brands.0.channels.1.type: unknown channel type 'mastodn';" in str(e.value)
    assert "more)" not in str(e.value)
    code, out = run(p, "check")
    assert code == 2 and out.count("dripcast: invalid config:") == len(lines) == 4
