"""The version of qualcode: the one place it is spelled (pyproject.toml reads it from here).

The REFI-QDA writers and the crash log import it from here, not from the package face, so that
nothing below the face imports the face.
"""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
