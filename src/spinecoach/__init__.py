"""spinecoach: a home-exercise coach for L5-S1 nerve-root compression and low back pain.

The package is layered (see README "Architecture"): ``domain`` <- ``signals`` <- ``tracking``
<- ``session`` form the pure core; ``pose``, ``synth``, ``storage`` and ``reports`` are
adapters; ``web`` and ``cli`` wire adapters to the core.  ``import-linter`` enforces it.
"""

__version__ = "0.1.0"
