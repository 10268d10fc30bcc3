"""``python -m spinecoach.cli``.

Guarded: pose worker processes (``multiprocessing``'s forkserver and spawn) import the main
module again, and must not run the command a second time.
"""

from spinecoach.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
