"""``python -m qualcode``."""

import sys

from qualcode.cli import main

sys.exit(main())
