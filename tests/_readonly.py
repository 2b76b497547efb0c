"""Paths this process truly cannot write, also as root.

Tests run as root in CI, where ``chmod`` stops nothing: there a path is made read-only with
``chattr +i`` (immutable: the kernel refuses writes, also root's, with EPERM, exactly what a
read-only file gives a user). As another user ``chmod`` does. A write is tried first, so no
test relies on a read-only path that is not; the test is skipped only when neither works.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make ``path`` (a file or folder) truly unwritable for this process while in the block."""
    if os.geteuid() == 0:
        done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
        if done.returncode != 0:
            pytest.skip(f"running as root without chattr +i here: {done.stderr.decode()}")
        undo = ["chattr", "-i", str(path)]
    else:
        mode = path.stat().st_mode
        path.chmod(mode & ~0o222)
        undo = []
    try:
        probe = path / ".probe" if path.is_dir() else path
        with pytest.raises(PermissionError):
            probe.open("a").close()
        yield
    finally:
        if undo:
            subprocess.run(undo, check=True)
        else:
            path.chmod(mode)
