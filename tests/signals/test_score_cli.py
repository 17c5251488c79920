"""`heard score`: JSON lines in, scores out, ids kept in order, bad lines reported by number,
the same with several worker processes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from heard.cli import cli
from tests.signals.scorer_double import keyword_scorer


@pytest.fixture(autouse=True)
def _double(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with keyword_scorer(monkeypatch):
        yield


@pytest.mark.parametrize("workers", [1, 2])
def test_score_keeps_ids_in_order_and_adds_every_head(tmp_path: Path, workers: int) -> None:
    source = tmp_path / "in.jsonl"
    lines = [
        json.dumps({"id": n, "text": "I am angry" if n % 2 else "thanks!"}) for n in range(2500)
    ]
    source.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(
        cli,
        [
            "score",
            "--input",
            str(source),
            "--output",
            str(out),
            "--batch-size",
            "32",
            "--workers",
            str(workers),
        ],
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == list(range(2500))
    assert set(rows[1]) == {
        "id",
        "emotions",
        "emotion_labels",
        "emotion_groups",
        "sentiment",
        "intensity",
        "distress",
        "effort",
        "confidence",
    }
    assert rows[1]["emotion_labels"] == ["anger"] and rows[0]["emotion_labels"] == ["gratitude"]


def test_bad_lines_are_reported_and_the_rest_scored(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"id": "a", "text": "I am sad"}\n{broken\n{"text": "no id"}\n'
        '{"id": "b", "text": "mail jo@example.com"}\n'
    )
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(cli, ["score", "--input", str(source), "--output", str(out)])
    assert result.exit_code == 1
    assert "line 2: invalid JSON" in result.output and "line 3: 'id' is required" in result.output
    assert [json.loads(x)["id"] for x in out.read_text().splitlines()] == ["a", "b"]
