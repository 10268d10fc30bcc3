"""``python -m spinecoach.cli``."""

from spinecoach.cli import main

raise SystemExit(main())
