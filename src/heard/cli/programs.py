"""`heard programs ...`: rotation scheduling and pattern-finding debriefs from files."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from heard.cli.base import echo_json
from heard.errors import ValidationError
from heard.programs.calendar import to_ics
from heard.programs.patterns import find_patterns, read_jsonl
from heard.programs.scheduler import SOLVE_SECONDS, schedule


@click.group("programs")
def programs() -> None:
    """Empathy programs: rotation schedules and debrief patterns."""


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValidationError(f"{path} is not valid JSON: {exc}") from exc


@programs.command("schedule")
@click.option("--input", "source", required=True, type=click.Path(exists=True, path_type=Path),
              help="PROBLEM.json: weeks, leaders, hosts and mentors.")
@click.option("--output", "target", required=True, type=click.Path(path_type=Path),
              help="Where to write SCHEDULE.json.")
@click.option("--ics", "ics", type=click.Path(path_type=Path), default=None,
              help="Also write the sessions as an iCalendar file.")
@click.option("--start-date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Monday of week 1 for the calendar (default: the problem's start_date).")
@click.option("--seconds", type=float, default=SOLVE_SECONDS, show_default=True,
              help="Time limit for the solver.")
def schedule_command(
    source: Path, target: Path, ics: Path | None, start_date: object, seconds: float
) -> None:
    """Schedule role rotations with a constraint solver (OR-Tools CP-SAT).

    Every leader gets exactly their number of visits in distinct free weeks, never with a
    host in their own department, within each host's weekly capacity and blackout weeks,
    each with a free mentor of the host. Writes {"status": "feasible", "assignments": [...]}
    or {"status": "infeasible", "reason": "..."}; the exit code is 0 either way.
    """
    problem = _read_json(source)
    result = schedule(problem, seconds)
    target.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if ics is not None and result["status"] == "feasible":
        first = start_date.date() if hasattr(start_date, "date") else None
        if first is None and isinstance(problem, dict) and problem.get("start_date"):
            first = date.fromisoformat(str(problem["start_date"]))
        if first is None:
            raise click.UsageError("--ics needs --start-date or a start_date in the problem")
        ics.write_bytes(to_ics(result["assignments"], first).encode("utf-8"))
    summary = {k: v for k, v in result.items() if k != "assignments"}
    summary["sessions"] = len(result.get("assignments", []))
    echo_json(summary)


@programs.command("patterns")
@click.option("--input", "source", required=True, type=click.Path(exists=True, path_type=Path),
              help='OBS.jsonl: one {"id","text","session","leader","segment"} per line.')
@click.option("--output", "target", required=True, type=click.Path(path_type=Path),
              help="Where to write PATTERNS.json.")
def patterns_command(source: Path, target: Path) -> None:
    """Find patterns in debrief observations with the offline sentence model.

    Groups observations by meaning, keeps groups raised in one session apart as anecdotes,
    and ranks patterns by how many distinct sessions, leaders and segments raised them.
    Writes {"patterns": [{"label","members","sessions","leaders",...}], "anecdotes": [...]}.
    """
    with source.open(encoding="utf-8") as lines:
        items = read_jsonl(lines)
    result = find_patterns(items)
    target.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    echo_json({"observations": len(items), "patterns": len(result["patterns"]),
               "anecdotes": len(result["anecdotes"])})
