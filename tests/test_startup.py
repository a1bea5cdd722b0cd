"""Issue 16: each command imports what it uses, so that it starts quickly.

bench/startup.py times every command; here no time is asserted, only which modules a
command loads: a fresh process runs it and reports `sys.modules`. A module named in a
test's `not_loaded` costs tens of milliseconds to import and has no use in that command
(SQLAlchemy without a database, Jinja without a template, pillow-heif without a HEIC,
the dashboard for a password hash…).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from dripcast.store.db import make_engine, migrate
from formatters.caption import DEFAULT_TEMPLATE, _default
from tests.mail import photo_mail

ROOT = Path(__file__).resolve().parent.parent
# Third-party packages (and our own stages) that take 10–300 ms to import.
HEAVY = {
    "aiosmtpd", "alembic", "apscheduler", "argon2", "asyncio", "cryptography", "dkim", "dns",
    "httpx", "jinja2", "multiprocessing", "ctypes", "PIL", "pillow_heif", "pydantic",
    "rapidfuzz", "regex", "rich", "sqlalchemy", "starlette", "uvicorn", "yaml",
    "ingest", "formatters", "scheduler", "publishers", "faq",
}  # fmt: skip
# Smaller modules a command that has no use for them should not pay for either
# (the DKIM, SPF and upstream checks are for brands that verify so). Not tempfile:
# click.testing imports it; not importlib.metadata: pydantic's plugin loader does.
SMALLER = {
    "ingest.dmarc", "ingest.spf", "ingest.upstream",
    # an HTML part, a winmail.dat, a photo with a colour profile, a stored message, a
    # person's name or password on the terminal
    "ingest.htmltext", "html.parser", "ingest.tnef", "PIL.ImageCms", "dripcast.core.lifecycle",
    "getpass",
}  # fmt: skip


def loaded(args: list[str], *, stdin: str = "", code: int = 0) -> tuple[str, set[str]]:
    """Run `dripcast ARGS` in a new process: its output, and the heavy packages and our
    `dripcast.*` modules it imported."""
    script = (
        "import json, sys\n"
        "from click.testing import CliRunner\n"
        "from dripcast.cli import main\n"
        f"r = CliRunner().invoke(main, {args!r}, input={stdin!r})\n"
        "mods = sorted(m for m, v in sys.modules.items() if v is not None)\n"
        "print(json.dumps([r.exit_code, r.output, mods]))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "STARTUP_TOKEN": "t"}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    exit_code, output, modules = json.loads(done.stdout.splitlines()[-1])
    assert exit_code == code, output
    tops = {m.split(".")[0] for m in modules}
    ours = {m for m in modules if m.startswith("dripcast.")}
    return output, (tops & HEAVY) | (set(modules) & SMALLER) | ours


def config(tmp_path: Path, *, template: str | None = None) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(
        f"service:\n  database: sqlite:///{tmp_path}/dripcast.db\n"
        f"  media_dir: {tmp_path}/media\n  state_dir: {tmp_path}/state\n"
        f"  blobs: file:{tmp_path}/blobs\n"
        "brands:\n  - id: b\n    name: B\n    timezone: UTC\n    address: b@example.com\n"
        "    senders: ['owner@example.com']\n    verify: none\n    approval: none\n"
        "    drip: {days: 3, slots: ['09:00'], weekdays: mon-sun, min_gap: 1h}\n"
        + (f"    template: {json.dumps(template)}\n" if template else "")
        + "    faq:\n      answers:\n"
        "        - {id: hours, questions: ['when are you open?'], answer: '9 to 5.'}\n"
        "    channels:\n      - {id: outbox, type: outbox, path: out}\n"
        "      - {id: masto, type: mastodon, instance: https://m.example, token: '${STARTUP_TOKEN}'}\n"
    )
    return path


def mail(tmp_path: Path, photo: bytes, kind: str) -> Path:
    path = tmp_path / "m.eml"
    path.write_bytes(
        photo_mail(to="b@example.com", subject="", body="Fresh", photos=[photo], kind=kind)
    )
    return path


def picture(kind: str) -> bytes:
    im = Image.effect_noise((400, 300), 60).convert("RGB")
    out = io.BytesIO()
    if kind == "heic":
        import pillow_heif

        pillow_heif.register_heif_opener()
    im.save(out, kind.upper().replace("HEIC", "HEIF"))
    return out.getvalue()


def preview(tmp_path: Path, kind: str, template: str | None = None) -> tuple[Any, set[str]]:
    """`preview --json` of a mail with one photo of `kind`: the document, the modules."""
    cfg = config(tmp_path, template=template)
    raw = mail(tmp_path, picture(kind), kind)
    out, mods = loaded(["--config", str(cfg), "preview", "--json", str(raw)])
    return json.loads(out), mods


def database(cfg: Path) -> None:
    migrate(make_engine(f"sqlite:///{cfg.parent}/dripcast.db"))


def test_preview_of_a_jpeg_loads_no_database_jinja_heif_or_service_code(tmp_path: Path) -> None:
    doc, mods = preview(tmp_path, "jpeg")
    assert doc["accepted"]
    not_loaded = {
        "sqlalchemy", "alembic", "jinja2", "pillow_heif", "multiprocessing", "ctypes", "asyncio",
        "rich", "httpx", "publishers", "faq", "dkim", "dns", "argon2", "starlette",
        "dripcast.store", "dripcast.web", "ingest.dmarc",
        "ingest.spf", "ingest.upstream", "ingest.htmltext", "html.parser", "ingest.tnef",
        "PIL.ImageCms", "dripcast.core.lifecycle", "dripcast.core.blobs", "getpass",
        "dripcast.core.faq",  # the FAQ's comments and decisions (its config: faq_config)
    }  # fmt: skip
    assert mods & not_loaded == set()
    assert {"PIL", "formatters", "ingest", "scheduler"} <= mods


def test_preview_printed_for_a_person_loads_no_rich(tmp_path: Path) -> None:
    """Plain lines, not a rich table."""
    cfg = config(tmp_path)
    raw = mail(tmp_path, picture("jpeg"), "jpeg")
    args = ["--config", str(cfg), "preview", "--out", str(tmp_path / "v"), str(raw)]
    script = (
        "import sys\n"
        "from dripcast.cli import main\n"
        "try:\n"
        f"    main({args!r})\n"
        "finally:\n"
        "    print(sorted({'rich'} & set(sys.modules)), file=sys.stderr)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "STARTUP_TOKEN": "t"}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("B: accepted\n"), done.stdout
    assert "  outbox  400×300\n    Fresh\n" in done.stdout
    assert done.stderr.splitlines()[-1] == "[]"


def test_an_html_part_and_a_colour_profile_bring_their_own_code(tmp_path: Path) -> None:
    """The HTML converter and lcms load when a mail brings an HTML part and a photo with
    a profile (Display P3, as phones write), and the photo is still made sRGB."""
    from formatters.icc import matrix_shaper

    p3 = matrix_shaper([(0.680, 0.320), (0.265, 0.690), (0.150, 0.060)], (0.3127, 0.3290))
    out = io.BytesIO()
    Image.new("RGB", (400, 300), (60, 160, 60)).save(out, "JPEG", icc_profile=p3, quality=95)
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "owner@example.com", "b@example.com", ""
    msg["Date"] = "Sat, 21 Nov 2026 10:00:00 +0100"
    msg.set_content("<p>Fresh <b>today</b></p>", subtype="html")
    msg.add_attachment(out.getvalue(), maintype="image", subtype="jpeg", filename="p3.jpg")
    raw = tmp_path / "m.eml"
    raw.write_bytes(msg.as_bytes())
    cfg = config(tmp_path)
    variants = tmp_path / "v"
    args = ["--config", str(cfg), "preview", "--json", "--out", str(variants), str(raw)]
    out_text, mods = loaded(args)
    doc = json.loads(out_text)
    assert doc["posts"][0]["text"].startswith("Fresh today")
    assert {"ingest.htmltext", "html.parser", "PIL.ImageCms"} <= mods
    # P3's (60, 160, 60) is sRGB's (0, 163, 40)
    r, g, b = Image.open(next(variants.rglob("*.jpg"))).getpixel((200, 150))  # type: ignore[misc]
    assert r < 15 and 155 < g < 170 and 30 < b < 50


def test_preview_of_a_heic_registers_the_heif_opener_itself(tmp_path: Path) -> None:
    doc, mods = preview(tmp_path, "heic")
    assert doc["accepted"] and doc["photos"][0]["width"] == 400
    assert "pillow_heif" in mods


def test_a_template_of_the_brand_brings_jinja(tmp_path: Path) -> None:
    doc, mods = preview(tmp_path, "jpeg", template="{{ caption }} ({{ brand }})")
    assert doc["posts"][0]["text"].endswith("Fresh (B)")
    assert "jinja2" in mods


def test_queue_loads_no_stage_image_web_or_migration_code(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    database(cfg)
    _, mods = loaded(["--config", str(cfg), "queue"])
    not_loaded = {
        "ingest", "formatters", "scheduler", "publishers", "faq", "PIL", "jinja2", "alembic",
        "regex", "httpx", "starlette", "argon2", "apscheduler", "aiosmtpd", "multiprocessing",
        "dripcast.app.pipeline", "dripcast.web",
    }  # fmt: skip
    assert mods & not_loaded == set()
    assert {"sqlalchemy", "rich"} <= mods


def test_cancel_loads_no_formatter_or_parser(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    database(cfg)
    out, mods = loaded(["--config", str(cfg), "cancel", "1"], code=1)
    assert "no post 1" in out
    not_loaded = {"ingest", "formatters", "publishers", "faq", "PIL", "jinja2", "regex",
                  "alembic", "httpx", "rich", "scheduler", "dripcast.app.pipeline",
                  "dripcast.store.blobs"}  # fmt: skip
    assert mods & not_loaded == set()


def test_faq_loads_no_database_image_or_output_code(tmp_path: Path) -> None:
    out, mods = loaded(["--config", str(config(tmp_path)), "faq", "b", "when are you open?"])
    assert out.startswith("answer hours")
    not_loaded = {"sqlalchemy", "PIL", "jinja2", "rich", "httpx", "ingest", "formatters",
                  "scheduler", "publishers", "asyncio", "dripcast.store"}  # fmt: skip
    assert mods & not_loaded == set()


def test_check_offline_loads_no_database_jinja_or_network_code(tmp_path: Path) -> None:
    out, mods = loaded(["--config", str(config(tmp_path)), "check"])
    assert "faq reads: masto" in out
    not_loaded = {"sqlalchemy", "jinja2", "PIL", "httpx", "publishers", "asyncio", "rich",
                  "dripcast.store"}  # fmt: skip
    assert mods & not_loaded == set()


def test_check_reads_a_template_with_jinja(tmp_path: Path) -> None:
    out, mods = loaded(["--config", str(config(tmp_path, template="{{ caption")), "check"], code=2)
    assert "template:" in out
    assert "jinja2" in mods


def test_web_user_loads_argon2_and_nothing_of_the_dashboard() -> None:
    out, mods = loaded(["web-user", "ann"], stdin="secret\n")
    assert out.startswith("$argon2id$")
    assert mods & HEAVY == {"argon2"}
    assert {m for m in mods if m.startswith("dripcast.")} <= {
        "dripcast.cli", "dripcast.cli.faq", "dripcast.cli.mail", "dripcast.cli.queue",
        "dripcast.cli.report", "dripcast.cli.root", "dripcast.cli.startup", "dripcast.cli.web",
        "dripcast.web", "dripcast.web.passwords",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("module", "uses", "not_loaded"),
    [
        ("dripcast.app.service", "httpx", {"rich", "pygments", "faq", "rapidfuzz"}),
        ("dripcast.web.server", "starlette", {"rich", "pygments", "PIL", "ingest", "faq"}),
    ],
)
def test_serve_and_the_dashboard_load_no_http_cli_or_pillow(
    module: str, uses: str, not_loaded: set[str]
) -> None:
    """httpx's __init__ imports its command-line client (rich, pygments): the group's
    callback stops that. serve makes its FAQ deciders on their first round (the matcher
    compiles ~100 patterns on import). The dashboard loads Pillow for a thumbnail not
    yet made, and reads the networks' colours without Pillow's drawing."""
    script = (
        "import json, sys\n"
        "from click.testing import CliRunner\n"
        "from dripcast.cli import main\n"
        "CliRunner().invoke(main, ['web-user', 'ann'], input='secret\\n')\n"
        f"import {module}\n"
        "print(json.dumps(sorted(m for m, v in sys.modules.items() if v is not None)))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    modules = json.loads(done.stdout.splitlines()[-1])
    assert {m.split(".")[0] for m in modules} & not_loaded == set()
    assert uses in modules and "formatters.sheet" not in modules


def test_a_command_starts_without_the_cyclic_collector_and_goes_on_with_it(
    tmp_path: Path,
) -> None:
    import gc

    from click.testing import CliRunner

    from dripcast.cli import main
    from dripcast.cli.root import Ctx

    try:
        ctx = Ctx(str(config(tmp_path)))
        ctx.pause_collector()
        assert not gc.isenabled()
        assert ctx.config.brands[0].id == "b"
        assert gc.isenabled() and gc.get_freeze_count() > 0  # startup's objects: frozen
        # a command that reads no config: back on when it ends
        assert CliRunner().invoke(main, ["web-user", "ann"], input="secret\n").exit_code == 0
        assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


def test_the_dummy_hash_costs_what_a_real_one_costs() -> None:
    """An unknown name is checked against DUMMY: made with other parameters, it would
    answer faster or slower than a wrong password does, and tell which names exist."""
    from argon2 import extract_parameters

    from dripcast.web.passwords import DUMMY, hash_password

    assert extract_parameters(DUMMY) == extract_parameters(hash_password("x"))


words = st.text(alphabet=st.characters(codec="utf-8"), max_size=30)


@given(
    caption=words,
    cta=st.none() | words,
    link=st.none() | words,
    hashtags=st.lists(words, max_size=4),
)
def test_the_default_template_renders_as_jinja_renders_it(
    caption: str, cta: str | None, link: str | None, hashtags: list[str]
) -> None:
    from jinja2.sandbox import SandboxedEnvironment

    template = SandboxedEnvironment(autoescape=False).from_string(DEFAULT_TEMPLATE)
    jinja = template.render(
        caption=caption, cta=cta, link=link, hashtags=hashtags, brand="B", index=1, count=1
    )
    assert _default(caption, cta, link, hashtags) == jinja


@pytest.mark.parametrize("kind", ["jpeg", "heic"])
def test_a_fresh_process_checks_and_decodes_either_kind(kind: str, tmp_path: Path) -> None:
    """No module registers pillow-heif at import any more: the decoder (here first) and
    the photo check each register it when a HEIC comes, and a JPEG never loads it."""
    photo = tmp_path / f"a.{kind}"
    photo.write_bytes(picture(kind))
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from dripcast.core.domain import Attachment\n"
        "from formatters.decode import decode\n"
        "from ingest.photos import check\n"
        f"data = Path({str(photo)!r}).read_bytes()\n"
        "width = decode(data).width\n"
        f"checked = check(Attachment(filename='a', content_type='image/{kind}', data=data))\n"
        "assert not isinstance(checked, str), checked\n"
        "print(width, 'pillow_heif' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["400", str(kind == "heic")]
