"""Starts a module in a new process per request, each forked from this one (run as a script).

`python fork_server.py <module>` reads one JSON request a line on stdin, {"env": ..., "cwd": ...},
and answers each with one JSON line, {"returncode": ..., "stdout": ..., "stderr": ...}: what
`python -c "import <module>"` would have given with that environment and working directory.

This process imports the service's heaviest third-party dependencies once (openai's types alone
take seconds of CPU); each start-up then imports the service itself, its settings read from its
own environment, in a child that already holds them, and exits as that command would.
"""

import importlib
import json
import os
import signal
import sys
import tempfile
from typing import Any

PRELOADED = ("openai", "fastapi", "pydantic_settings")
TIMEOUT_SECONDS = 60


def start(module: str, env: dict[str, str], cwd: str) -> dict[str, Any]:
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: from here on, `python -c "import <module>"` with its own environment
            signal.alarm(TIMEOUT_SECONDS)
            os.dup2(out.fileno(), 1)
            os.dup2(err.fileno(), 2)
            os.chdir(cwd)
            os.environ.clear()
            os.environ.update(env)
            importlib.import_module(module)
            # Exits through the interpreter, as the command would; so does a SystemExit or an error above.
            raise SystemExit(0)
        _, status = os.waitpid(pid, 0)
        out.seek(0)
        err.seek(0)
        return {
            "returncode": os.waitstatus_to_exitcode(status),
            "stdout": out.read().decode(errors="replace"),
            "stderr": err.read().decode(errors="replace"),
        }


def main() -> None:
    module = sys.argv[1]
    for name in PRELOADED:
        importlib.import_module(name)
    for line in sys.stdin:
        request = json.loads(line)
        print(json.dumps(start(module, request["env"], request["cwd"])), flush=True)


if __name__ == "__main__":
    main()
