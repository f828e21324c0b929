"""The shared contract check (../shared/tools/contract-check) passes on every example case."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ROOT.parent / "shared" / "tools" / "contract-check"


@pytest.mark.skipif(not CONTRACT.exists(), reason="shared contract-check not available")
def test_examples_meet_the_contract() -> None:
    env = {**os.environ, "OSSEOUS": str(Path(sys.executable).with_name("osseous"))}
    proc = subprocess.run([sys.executable, str(CONTRACT)], cwd=ROOT, capture_output=True,
                          text=True, env=env, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 contract problems" in proc.stdout
