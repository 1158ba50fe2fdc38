"""The house's floors, read from the source: what the import-linter contracts in
pyproject.toml cannot say (who opens sessions, who builds SQL, who queues email)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = ("hubflow", "plumbing", "tasks", "flows", "models")
# The one outbox, and the reactions (to events, and to the clock) that queue through it.
MAY_QUEUE_EMAIL = ("plumbing/email/outbox.py", "tasks/reactions/")
QUEUEING = {"queue_email", "email_row", "insert_emails"}
# Services that apply the deadline policy: the surfaces must pass the configured one.
POLICY_SERVICES = {
    "submit_interest",
    "record_interests",
    "submit_stage_work",
    "decide",
    "move_back",
    "pause",
    "resume",
    "withdraw",
    "import_hubs",
    "reopen",
    "add_note",
}


def modules(*packages: str) -> Iterator[tuple[str, ast.Module]]:
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/versions/" not in relative:
                yield relative, ast.parse(path.read_text(encoding="utf-8"), relative)


def calls(tree: ast.AST) -> Iterator[tuple[ast.Call, str]]:
    """Every call with the name it calls (`f(...)` and `x.f(...)` are both `f`)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            yield node, name


def imported_from(tree: ast.AST, module: str) -> set[str]:
    """The names this module imports from `module` (as it calls them)."""
    return {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == module
        for alias in node.names
    }


def test_the_domain_reads_no_settings() -> None:
    readers = [
        f"{name}:{node.lineno}"
        for name, tree in modules("models")
        for node, called in calls(tree)
        if called == "get_settings"
    ]
    assert readers == []
    assert "get_settings" not in "".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "models").rglob("*.py")
    )


def test_no_web_module_opens_a_session_or_builds_sql() -> None:
    """Routes get their session from hubflow/web/deps.py, the one door; the queries they
    need live with the domain's read side (models/services)."""
    found = []
    for name, tree in modules("hubflow/web"):
        for node, called in calls(tree):
            opens = called == "session_factory" and name != "hubflow/web/deps.py"
            if opens or called in ("select", "text"):
                found.append(f"{name}:{node.lineno} {called}(")
    assert found == []


def test_emails_are_created_only_by_the_reactions_through_the_outbox() -> None:
    """Every place an email row is created: the outbox's own functions, called from the
    reactions (tasks/reactions/) and nowhere else."""
    places = []
    for name, tree in modules(*PRODUCTION):
        outbox = imported_from(tree, "plumbing.email.outbox") & QUEUEING
        tables = imported_from(tree, "models.email") & {"Email"}
        for node, called in calls(tree):
            creates = called in outbox or (called in tables and isinstance(node.func, ast.Name))
            if creates or (called == "insert" and "Email" in ast.unparse(node)):
                places.append((name, node.lineno, called))
    outside = [p for p in places if not p[0].startswith(MAY_QUEUE_EMAIL)]
    assert outside == []
    # The check sees what it is looking for: the reactions do queue emails.
    assert {p[0] for p in places} >= {
        "tasks/reactions/reaction.py",
        "tasks/reactions/events.py",
        "tasks/reactions/clock.py",
    }


def test_the_surfaces_pass_the_configured_policy_to_the_services() -> None:
    """The domain falls back on the SPEC's defaults; a surface that forgot the policy would
    silently ignore the campaign's deadlines."""
    missing = [
        f"{name}:{node.lineno} {called}"
        for name, tree in modules("hubflow", "plumbing", "tasks", "flows")
        for node, called in calls(tree)
        if called in POLICY_SERVICES and not any(k.arg == "policy" for k in node.keywords)
    ]
    assert missing == []


def test_no_production_file_is_over_300_lines() -> None:
    long = {
        name: lines
        for name, _ in modules(*PRODUCTION)
        if (lines := len((ROOT / name).read_text(encoding="utf-8").splitlines())) > 300
    }
    assert long == {}
