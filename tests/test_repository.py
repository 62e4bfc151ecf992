"""The repository as a Hugging Face Space accepts it: the Hub refuses a plain git push of any file over
10 MiB that is not in LFS, so no tracked file may be that large (weights go in float16, a timeline in
shards: model/checkpoint.py, model/timeline.py)."""
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 10 * 2**20


def tracked() -> list[Path]:
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [ROOT / name for name in out.decode().split("\0") if name]


def test_no_tracked_file_is_over_10_mib():
    files = tracked()
    assert any(f.name == "model.safetensors" for f in files)  # the assets are tracked: the check sees them
    big = [(str(f.relative_to(ROOT)), f.stat().st_size) for f in files if f.is_file() and f.stat().st_size > LIMIT]
    assert not big, f"over 10 MiB, a Space would refuse the push: {big}"
