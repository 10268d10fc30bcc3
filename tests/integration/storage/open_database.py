"""Child process of the concurrent-open test: open (and so migrate) a database, then exit.

Usage: python open_database.py DATA_DIR DATABASE_URL
"""

from __future__ import annotations

import sys
from pathlib import Path

from spinecoach.settings import Settings
from spinecoach.storage import open_repository

if __name__ == "__main__":
    open_repository(Settings(data_dir=Path(sys.argv[1]), database_url=sys.argv[2])).close()
