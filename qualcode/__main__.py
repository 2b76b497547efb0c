"""``python -m qualcode``."""

import sys

from qualcode.cli import main

if __name__ == "__main__":  # not when a spawned process (multiprocessing, Dask) imports it
    sys.exit(main())
