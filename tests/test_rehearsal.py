"""tools/rehearse.py, run for real on notebook 04 in smoke mode: it writes the one-page report
with the time of each section, the steps reached in the time budget, memory, the figures the
notebook printed, its last sample grid and the generator to share."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_rehearsal_reports_times_steps_memory_figures_grids_and_the_generator(tmp_path):
    out = tmp_path / "rehearsal"
    stale = out / "outputs" / "04_faces_procedural_smoke" / "stale.txt"  # a last rehearsal's leftovers
    stale.parent.mkdir(parents=True)
    stale.write_text("old")
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "rehearse.py"), "--mode", "smoke", "--notebooks", "04",
                             "--out", str(out), "--scale", "0.5"], capture_output=True, text=True, timeout=600,
                            env=dict(os.environ))
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    report = (out / "REPORT.md").read_text()
    assert "in `smoke` mode" in report and "with time budgets scaled by 0.5" in report
    assert "| 04 |" in report and "8 steps in" in report and "of 1 min" in report  # 2 minutes x 0.5
    assert "peak host memory" in report and " MB |" in report
    for section in ("Setup", "The data: faces and their attributes", "Train, watch, and never lose a run"):
        assert section in report
    for figure in ("attribute control", "realism FD", "realism floor", "D's head on held-out real faces",
                   "background spread, generated (median, levels)", "background spread, real (median, levels)"):
        assert f"| 04 | {figure} |" in report
    assert (out / "04_grid.png").stat().st_size > 1000 and "04_grid.png" in report
    assert "share/04_generator-smoke-" in report and str(tmp_path) not in report  # a relative path
    assert len(list((out / "share").glob("04_generator-smoke-*.weights.h5"))) == 1
    assert "empty at the start" in report and (out / "cache").is_dir()  # a learner's first run
    assert not stale.exists(), "a rehearsal trains from scratch"
