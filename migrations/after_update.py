"""After `copier update`: name the files left in conflict, and re-lock uv.lock when pyproject.toml parses.

copier runs this from the project's directory after every update (copier.yml, `_migrations`).

uv.lock is the project's own (it locks the owner's dependencies too), so rather than a text merge of
lock files, the last committed uv.lock is taken back and `uv lock` brings it in line with the merged
pyproject.toml. A pyproject.toml left with conflict markers does not parse: it is not locked then,
and the report says to run `uv lock` once it is resolved.

Conflicts do not fail the update (Copier has already written the new version to the answers file,
and exits 0 on conflicts itself): they are reported in one message with what to do next. A
pyproject.toml that cannot be locked for another reason is an error: exit status 1.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python 3.10, which Copier still runs on: conflict markers are the test
    tomllib = None  # type: ignore[assignment]

MARKERS = (b"<<<<<<< ", b">>>>>>> ")


def git(*args: str) -> str:
    return subprocess.run(["git", *args], capture_output=True, text=True, check=False).stdout


def listed(*args: str) -> set[str]:
    return {name for name in git("ls-files", "-z", *args).split("\0") if name}


def has_markers(path: Path) -> bool:
    with path.open("rb") as lines:
        return any(line.startswith(MARKERS) for line in lines)


def restore_committed_lock() -> None:
    """Undo the update's text merge of uv.lock (`uv lock` redoes it properly)."""
    lock = Path("uv.lock")
    if subprocess.run(["git", "cat-file", "-e", "HEAD:./uv.lock"], capture_output=True, check=False).returncode == 0:
        subprocess.run(["git", "checkout", "HEAD", "--", "uv.lock"], check=True)
    elif lock.is_file() and has_markers(lock):  # never committed: `uv lock` makes a new one
        lock.unlink()
    Path("uv.lock.rej").unlink(missing_ok=True)


def pyproject_problem() -> str | None:
    """Why pyproject.toml cannot be locked, or None when it parses."""
    path = Path("pyproject.toml")
    if tomllib is None:
        return "has conflict markers" if has_markers(path) else None
    try:
        tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as error:
        return f"does not parse: {error}"
    return None


def template_source() -> str:
    """Where the template comes from, as the answers file records it (a path or a git URL)."""
    answers = Path(".copier-answers.yml")
    found = re.search(r"^_src_path: *(.+)$", answers.read_text(), re.MULTILINE) if answers.is_file() else None
    return found[1].strip("'\"") if found else "the template's repository"


def report(conflicted: list[str], rejected: list[str], lock_problem: str | None) -> str:
    lines = [f"copier update left {len(conflicted) + len(rejected)} file(s) to resolve by hand:"]
    lines += [f"  {name}  (conflict markers)" for name in conflicted]
    lines += [f"  {name}  (changes that did not apply)" for name in rejected]
    lines += [
        ".copier-answers.yml already records the new template version (`copier check-update` says it is",
        "up to date), so resolve these rather than updating again:",
    ]
    if conflicted:
        lines.append(
            "  - in each file with markers, merge the lines between <<<<<<< and >>>>>>> and delete the markers"
        )
        lines.append("    (`git diff` shows them);")
    if rejected:
        lines.append("  - make the change each .rej file shows by hand in the file it names, then delete the .rej;")
    lines += [
        "  - where your edit faces a block the template emptied (or sits in a file it no longer has), the template",
        f'    moved that code: its CHANGELOG.md ({template_source()}) names where to, under "Moved" in',
        "    each release since your last update; carry your edit there, as taking the template's side drops it;",
    ]
    if lock_problem:
        lines.append(f"  - run `uv lock`: uv.lock is still the committed one, as pyproject.toml {lock_problem};")
    lines.append('  - then `git add -A && git commit -m "Update from the template"`.')
    return "\n".join(lines)


def main() -> int:
    restore_committed_lock()
    files = listed("--cached", "--others", "--exclude-standard")
    # .rej files even where the owner's .gitignore hides them (ignored directories stay collapsed).
    rejected = sorted(
        name
        for name in files | listed("--others", "--ignored", "--exclude-standard", "--directory")
        if name.endswith(".rej")
    )
    conflicted = sorted(
        name for name in files if not name.endswith(".rej") and Path(name).is_file() and has_markers(Path(name))
    )

    lock_problem = pyproject_problem()
    if lock_problem is None and subprocess.run(["uv", "lock", "--quiet"], check=False).returncode != 0:
        lock_problem = "did not lock (uv's message is above)"
    if conflicted or rejected:
        print(report(conflicted, rejected, lock_problem), file=sys.stderr)
    elif lock_problem:
        print(f"uv lock: pyproject.toml {lock_problem}; fix it, then run `uv lock`.", file=sys.stderr)
    else:
        print("uv.lock re-locked against the merged pyproject.toml")
    # Conflict markers in pyproject.toml are the owner's to resolve, as the report says; any other
    # reason the project cannot be locked is an error.
    return 1 if lock_problem and "pyproject.toml" not in conflicted else 0


if __name__ == "__main__":
    sys.exit(main())
