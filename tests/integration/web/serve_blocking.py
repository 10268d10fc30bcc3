"""A real uvicorn server on a real port whose analyses never finish on their own.

Run by ``test_private_files_and_uploads.py``: ``python serve_blocking.py DATA_DIR PORT``.
Each upload waits in the analyzer (at most 20 s), so uploads stay queued or running until
the test sends SIGTERM or SIGKILL.  Like ``spinecoach serve`` it prints a one-time sign-in
link (on stdout) before it starts.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import uvicorn

from spinecoach.session import accounts
from spinecoach.session.analysis_report import AnalysisReport
from spinecoach.session.in_memory import InMemoryRepository
from spinecoach.settings import Settings
from spinecoach.web.app import create_app

_never = threading.Event()


def analyzer(path: Path, exercise_id: str, progress: object) -> AnalysisReport:
    _never.wait(20.0)
    raise RuntimeError("the test server does not analyse")


if __name__ == "__main__":
    settings = Settings(data_dir=Path(sys.argv[1]), database_url="sqlite://", speech="browser")
    repo = InMemoryRepository()
    app = create_app(settings, repository=repo, analyzer=analyzer)
    now = app.state.context.clock()
    token = accounts.issue_signin_link(repo, accounts.local_account(repo, now), now)
    sys.stdout.write(f"http://127.0.0.1:{sys.argv[2]}/signin?token={token}\n")
    sys.stdout.flush()
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
