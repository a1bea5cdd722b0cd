"""Install the pinned atproto PDS (npm `@atproto/pds`) into a cache folder, once.

Plain Python with no dependencies, so `.ci/run` can start it in the background while
pip installs the project; the test calls `install()` too. A lock on the folder makes
a second caller wait for the first install instead of running `npm ci` beside it.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

HERE = Path(__file__).parent
INSTALL_TIMEOUT = 900


def install_dir() -> Path:
    lock = (HERE / "package-lock.json").read_bytes()
    default = Path.home() / ".cache/dripcast/test-pds" / hashlib.sha256(lock).hexdigest()[:16]
    return Path(os.environ.get("DRIPCAST_PDS_DIR") or default)


def install() -> Path:
    """node_modules with the pinned PDS, installed with `npm ci` on first use."""
    folder = install_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        done = folder / ".installed"
        if not done.exists():
            for name in ("package.json", "package-lock.json"):
                shutil.copy(HERE / name, folder / name)
            subprocess.run(
                ["npm", "ci", "--no-audit", "--no-fund", "--foreground-scripts"],
                cwd=folder,
                check=True,
                timeout=INSTALL_TIMEOUT,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
            )
            done.touch()
    return folder / "node_modules"


if __name__ == "__main__":
    print(install())
