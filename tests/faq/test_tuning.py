"""Tuning a brand's FAQ: `dripcast faq BRAND --file` on labelled lines counts how the
decider agrees with them, on stderr; stdout stays SPEC's one line per comment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dripcast.app.faq_tuning import Label, figures
from dripcast.cli import main

ROOT = Path(__file__).parents[2]
CONFIG = ROOT / "tests" / "data" / "faq" / "config.yaml"  # solsikke: the bakery

# (text, label) — the decider's own decision in the comment after each
LABELLED = [
    ("when are you open?", ("answer", "hours")),  # answer hours
    ("hvor kan man parkere?", ("answer", "parking")),  # answer parking
    ("do you have gluten-free bread?", ("answer", "vegan")),  # answer gluten_free: wrong
    ("I want a refund for the cake, it was stale", ("escalate", None)),  # escalate
    ("thanks, lovely bread 😍", ("ignore", None)),  # ignore
    ("😍😍😍", ("escalate", None)),  # ignore: missed
]


def _line(text: str, label: tuple[str, str | None] | None = None) -> str:
    doc: dict[str, object] = {"text": text}
    if label is not None:
        doc |= {"action": label[0], "faq": label[1]}
    return json.dumps(doc, ensure_ascii=False) + "\n"


def _file(tmp_path: Path, lines: list[str], name: str = "comments.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _faq(path: Path, *extra: str) -> tuple[int, str, str]:
    args = ["--config", str(CONFIG), "faq", "solsikke", "--file", str(path), *extra]
    r = CliRunner().invoke(main, args)
    return r.exit_code, r.stdout, r.stderr


def test_a_labelled_file_is_counted_on_stderr(tmp_path: Path) -> None:
    code, out, err = _faq(_file(tmp_path, [_line(t, lab) for t, lab in LABELLED]), "--json")
    assert code == 0, err
    got = [json.loads(line) for line in out.splitlines()]
    assert [(g["action"], g["faq"]) for g in got] == [
        ("answer", "hours"),
        ("answer", "parking"),
        ("answer", "gluten_free"),
        ("escalate", None),
        ("ignore", None),
        ("ignore", None),
    ]
    lines = err.splitlines()
    assert lines[:5] == [
        "labelled: 6 of 6 comments",
        "precision of answers: 0.67 (2 of 3 answers sent were the labelled FAQ)",
        "answer recall: 0.67 (2 of 3 labelled answer got that answer)",
        "escalation recall: 0.50 (1 of 2 labelled escalate were escalated)",
        "disagreements: 2",
    ]
    assert lines[5].startswith("  line 3: label answer vegan, decided answer gluten_free (")
    assert lines[6] == "    do you have gluten-free bread?"
    assert lines[7] == "    (matches)"
    assert lines[8].startswith("  line 6: label escalate, decided ignore (0.00)")
    assert lines[9:] == ["    😍😍😍", "    (no words (emoji only))"]


def test_labels_leave_stdout_as_it_was(tmp_path: Path) -> None:
    labelled = _file(tmp_path, [_line(t, lab) for t, lab in LABELLED])
    plain = _file(tmp_path, [_line(t) for t, _ in LABELLED], "plain.jsonl")
    for extra in (("--json",), ()):
        code, out, err = _faq(labelled, *extra)
        code0, out0, err0 = _faq(plain, *extra)
        assert (code, code0, err0) == (0, 0, "")
        assert out == out0 and out
        assert err.startswith("labelled: 6 of 6 comments\n")


def test_a_file_mixing_labelled_and_unlabelled_lines(tmp_path: Path) -> None:
    lines = [
        _line("when are you open?", ("answer", "hours")),
        _line("where can I park?"),
        "\n",  # a blank line is skipped but counted in the line numbers
        _line("I want a refund for the cake, it was stale", ("ignore", None)),
        _line("do you have vegan pastries?"),
    ]
    code, out, err = _faq(_file(tmp_path, lines))
    assert code == 0, err
    assert out.count("\n  ") == 4  # the plain form: two lines per comment, all four decided
    assert err.splitlines()[:5] == [
        "labelled: 2 of 4 comments",
        "precision of answers: 1.00 (1 of 1 answers sent were the labelled FAQ)",
        "answer recall: 1.00 (1 of 1 labelled answer got that answer)",
        "escalation recall: n/a (0 of 0 labelled escalate were escalated)",
        "disagreements: 1",
    ]
    assert err.splitlines()[5].startswith("  line 4: label ignore, decided escalate (")


def test_no_labels_no_summary(tmp_path: Path) -> None:
    code, out, err = _faq(_file(tmp_path, [_line("when are you open?")]), "--json")
    assert (code, err) == (0, "")
    assert json.loads(out)["faq"] == "hours"


@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        (
            {"action": "reply", "faq": None},
            "\"action\" is 'reply': give answer, escalate or ignore",
        ),
        (
            {"action": "answer", "faq": "wifi"},
            "\"faq\" is 'wifi', not one of the brand's answers (",
        ),
        ({"action": "answer", "faq": None}, '"faq" is None, not one of the brand\'s answers ('),
        ({"action": "ignore", "faq": "hours"}, '"faq" is \'hours\' but "action" is ignore'),
        ({"faq": "hours"}, '"faq" without "action"'),
    ],
)
def test_a_wrong_label_exits_2_naming_the_line_and_prints_nothing(
    tmp_path: Path, bad: dict[str, object], problem: str
) -> None:
    lines = [_line("when are you open?", ("answer", "hours")), _line("where can I park?")]
    lines.append(json.dumps({"text": "hvornår har I åbent?", **bad}) + "\n")
    path = _file(tmp_path, lines)
    code, out, err = _faq(path, "--json")
    assert code == 2
    assert out == ""
    assert f"{path}:3: {problem}" in err
    assert "labelled" not in err


def test_through_a_real_process_stdout_and_stderr_apart() -> None:
    text = "".join([*(_line(t, lab) for t, lab in LABELLED[:2]), _line("hej")])
    args = ["--config", str(CONFIG), "faq", "solsikke", "--file", "-", "--json"]
    r = subprocess.run(
        [sys.executable, "-m", "dripcast", *args],
        input=text,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert [json.loads(line)["text"] for line in r.stdout.splitlines()] == [
        "when are you open?",
        "hvor kan man parkere?",
        "hej",
    ]
    assert r.stderr.splitlines()[0] == "labelled: 2 of 3 comments"
    assert r.stderr.splitlines()[-1] == "disagreements: 0"


def test_figures_count_label_decision_pairs() -> None:
    def v(action: str, faq: str | None = None) -> Label:
        return Label(action=action, faq=faq)

    f = figures(
        [
            (v("answer", "a"), v("answer", "a")),
            (v("answer", "a"), v("answer", "b")),
            (v("ignore"), v("answer", "a")),
            (v("answer", "b"), v("escalate")),
            (v("escalate"), v("escalate")),
            (v("escalate"), v("ignore")),
        ]
    )
    assert (f.n, f.answered, f.right, f.answerable, f.escalations, f.caught) == (6, 3, 1, 3, 2, 1)
    assert f.precision == pytest.approx(1 / 3)
    assert f.recall == pytest.approx(1 / 3)
    assert f.escalation_recall == 0.5
    assert figures([]).precision is None
