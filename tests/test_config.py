from __future__ import annotations

from pathlib import Path

import pytest

from dripcast.core.config import load
from dripcast.core.errors import ConfigError

ROOT = Path(__file__).parent.parent


def test_default_config_loads() -> None:
    cfg = load(ROOT / "config.yaml")
    brand = cfg.brand("demo-bakery")
    assert [c.type for c in brand.channels] == ["outbox"]
    assert cfg.database_url == f"sqlite:///{ROOT / 'var/dripcast.db'}"


def write(tmp_path: Path, text: str, name: str = "config.yaml") -> Path:
    p = tmp_path / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return p


BRAND = """\
  - id: shop
    name: Shop
    address: shop@localhost
    channels:
      - {id: out, type: outbox, path: out}
"""


def test_unknown_key_names_file_line_and_key(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        "brands:\n" + BRAND + "      - id: m\n        type: mastodon\n"
        "        instance: https://m.example\n        tokn: abc\n",
    )
    with pytest.raises(ConfigError) as e:
        load(p)
    assert f"{p}:10: brands.0.channels.1.tokn: unknown key; did you mean `token`?" in str(e.value)


def test_env_and_file_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "tok").write_text("s3cret\n")
    monkeypatch.setenv("M_TOKEN", "envtoken")
    p = write(
        tmp_path,
        "brands:\n" + BRAND + "      - {id: m, type: mastodon, "
        "instance: https://m.example, token: '${M_TOKEN}'}\n"
        "      - {id: n, type: mastodon, instance: https://n.example, token: '${file:tok}'}\n",
    )
    chans = load(p).brands[0].channels
    assert [c.token.get_secret_value() for c in chans[1:]] == ["envtoken", "s3cret"]  # type: ignore[union-attr]


def test_missing_env_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOPE_TOKEN", raising=False)
    p = write(tmp_path, "brands:\n" + BRAND.replace("name: Shop", "name: ${NOPE_TOKEN}"))
    with pytest.raises(ConfigError, match=r":3: brands\.0\.name: environment variable NOPE_TOKEN"):
        load(p)


def test_included_brand_files_report_their_own_lines(tmp_path: Path) -> None:
    write(
        tmp_path,
        "id: a\nname: A\naddress: a@localhost\nchannels:\n  - {id: out, type: outbox, path: out}\n",
        "brands/a.yaml",
    )
    write(
        tmp_path,
        "id: b\nname: B\naddress: b@localhost\ntimezone: Mars/Base\nchannels:\n"
        "  - {id: out, type: outbox, path: out}\n",
        "brands/b.yaml",
    )
    p = write(tmp_path, "brands:\n" + BRAND + "  - brands/*.yaml\n")
    with pytest.raises(ConfigError) as e:
        load(p)
    assert f"{tmp_path / 'brands/b.yaml'}:4: brands.2.timezone: unknown time zone" in str(e.value)


def test_public_url_required_for_fetch_by_url_networks(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        "brands:\n" + BRAND + "      - {id: ig, type: instagram, account_id: '1', token: t}\n",
    )
    with pytest.raises(ConfigError, match="public_base_url"):
        load(p)


def test_libyaml_and_pure_python_read_the_same_values_and_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Config files are read with libyaml when PyYAML has it (~8x faster to start);
    every value and every key's line must be what the pure-Python parser gives."""
    import yaml

    from dripcast.core import config

    assert config._LOADER is yaml.CSafeLoader  # the wheel ships libyaml
    p = write(
        tmp_path,
        "service:\n  database: sqlite:///x.db\n  tick_seconds: 2.5\n  border_mta: yes\n"
        "brands:\n"
        + BRAND
        + "    drip: {days: 3, slots: ['09:00', \"12:30\"], blackout: [2026-12-24]}\n"
        "    hashtags: [[\"#a\", '#b'], ['#c']]\n    senders: [~, 'x@y']\n"
        "    template: |\n      {{ caption }}\n      ~ {{ brand }}\n",
    )
    read = {}
    for loader in (yaml.CSafeLoader, yaml.SafeLoader):
        monkeypatch.setattr(config, "_LOADER", loader)
        src = config._Source()
        read[loader] = (src.read(p, ()), src.lines)
    assert read[yaml.CSafeLoader] == read[yaml.SafeLoader]
    data, lines = read[yaml.SafeLoader]
    assert data["service"]["border_mta"] is True and lines[("brands", 0, "template")][1] == 14


def test_invalid_yaml_names_file_and_line(tmp_path: Path) -> None:
    p = write(tmp_path, "brands:\n" + BRAND + "      - {id: m, type: mastodon\n")
    with pytest.raises(ConfigError, match=rf"^{p}:\d+: not valid YAML: "):
        load(p)
