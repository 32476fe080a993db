"""Rehearse the workshop: run all four notebooks top to bottom in the room's settings on this
machine, and write a one-page report of what the room will see and wait for.

    python tools/rehearse.py                          # the mode this machine picks (full on a GPU)
    python tools/rehearse.py --mode fast --out /tmp/rehearsal-cpu
    python tools/rehearse.py --notebooks 03,04 --scale 0.25   # budgets a quarter as long
    python tools/rehearse.py --live                           # the live-coding versions, blanks empty

On Colab (a GPU runtime, Drive mounted), one cell:

    !rm -rf /content/making-faces && git clone -q --depth 1 --branch RELEASE REPOSITORY /content/making-faces
    !cd /content/making-faces && python tools/rehearse.py

The report (``REPORT.md`` in ``--out``; default: ``rehearsal/`` in the course's output
folder, which is your Drive on Colab) gives the time of every section of every notebook,
the steps each training reached in its time budget, peak host memory and (on a GPU) peak
GPU memory, the figures each notebook prints (FD, confidence, coverage, attribute control,
realism), and the final sample grids as pictures. Each notebook trains from scratch: its
checkpoints go to ``--out``/outputs (``WORKSHOP_OUTPUT_DIR``), never to the room's own
folders. Each trained generator is copied to ``--out``/share/ under a dated name, ready to
share (the report names it; a later rehearsal never overwrites it, so a shared link stays
valid). By default the data caches start empty too (``--out``/cache), so the report times
the download, preprocessing and scorer training a learner's first run pays; with ``--cache
shared`` the usual caches are used (and filled), as on your own second run.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
NOTEBOOKS = {
    "01": "01_deep_learning_review.ipynb",
    "02": "02_gan_theory.ipynb",
    "03": "03_dcgan_mnist.ipynb",
    "04": "04_conditional_faces.ipynb",
}
# The figures each notebook prints, as expressions over its variables (a missing one is skipped).
FIGURES = {
    "01": {"CNN test accuracy": "test_accuracy"},
    "02": {"ring modes, mean over seeds (" + "best setting)": "max(np.mean(m) for m in modes_by_seed.values())",
           "1-D GAN generated mean (data 2.00)": "gaussian_samples.mean()"},
    "03": {"FD": "scores['generated']['fd']", "confidence": "scores['generated']['confidence']",
           "coverage (of 10)": "scores['generated']['coverage']", "FD, real vs real": "scores['real (train vs test)']['fd']",
           "label race: FD with labels": "race.records[-1]['fd']"},
    "04": {"attribute control": "control['mean']", "realism FD": "realism_fd", "realism floor": "floor_fd",
           "D's head on held-out real faces": "d_accuracy.mean()", "majority baseline": "baseline.mean()",
           # How flat the backgrounds are (procedural faces only: CelebA's are photographs)
           "background spread, generated (median, levels)": "np.median(_spread(generated)) if _procedural else None",
           "background spread, real (median, levels)": "np.median(_spread(held_pixels)) if _procedural else None"},
}
MARKER = "REHEARSAL-RESULTS "
# Appended to each notebook: reads what the run reached, and saves its last sample grid.
REPORT_CELL = '''
import json as _json, resource as _resource
try:  # this kernel's own peak (ru_maxrss would include the rehearsal's, kept across exec on Linux)
    _results = {"peak_host_mb": int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM:")).split()[1]) / 1024}
except (OSError, StopIteration):
    _results = {"peak_host_mb": _resource.getrusage(_resource.RUSAGE_SELF).ru_maxrss / 1024}
try:
    import tensorflow as _tf
    if _tf.config.list_physical_devices("GPU"):
        _results["peak_gpu_mb"] = _tf.config.experimental.get_memory_info("GPU:0")["peak"] / 2**20
except Exception as _error:
    _results["gpu_memory_error"] = repr(_error)
from workshop_utils.cartoon_faces import background_spread as _spread
_procedural = "procedural" in getattr(globals().get("faces"), "source", "")
for _name, _expression in __FIGURES__.items():
    try:
        _results[_name] = float(eval(_expression))
    except Exception:
        pass
if "budget" in globals():
    _results.update(steps=budget.steps, minutes=budget.spent / 60, budget_minutes=budget.seconds / 60)
if "mode" in globals():
    _results["mode"] = mode
if "faces" in globals() and hasattr(faces, "source"):
    _results["data"] = f"{faces.source}, {len(faces):,} faces"
if "sample_grid" in globals() and sample_grid.frames:
    from PIL import Image as _Image
    _Image.fromarray(sample_grid.frames[-1]).save(__GRID__)
    _results["grid"] = __GRID_NAME__
if "shared" in globals():
    _results["generator"] = str(shared)
print(__MARKER__ + _json.dumps(_results))
'''


def sections(notebook):
    """(heading, seconds, slowest cell's first line) per '## ' section, in order."""
    found, heading = [], "(before the first heading)"
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("## "):
                    heading = line[3:].strip()
                    break
            continue
        timing = cell.get("metadata", {}).get("execution", {})
        began, ended = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
        if not (began and ended):
            continue
        seconds = (datetime.datetime.fromisoformat(ended.replace("Z", "+00:00"))
                   - datetime.datetime.fromisoformat(began.replace("Z", "+00:00"))).total_seconds()
        first = (cell.source.splitlines() or [""])[0].lstrip("# ").strip()
        if found and found[-1][0] == heading:
            _, total, slow, slow_seconds = found[-1]
            found[-1] = (heading, total + seconds, *((first, seconds) if seconds > slow_seconds else (slow, slow_seconds)))
        else:
            found.append((heading, seconds, first, seconds))
    return found


def run(key, out, timeout, live=False):
    """Execute one notebook in a fresh kernel (working folder ``out/work``); returns
    (seconds, sections, results, error)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    folder = ROOT / "notebooks" / ("live" if live else "")
    notebook = nbformat.read(folder / NOTEBOOKS[key], as_version=4)
    grid = out / f"{key}_grid.png"
    cell = REPORT_CELL
    for token, value in {"__FIGURES__": FIGURES[key], "__GRID__": str(grid), "__GRID_NAME__": grid.name,
                         "__MARKER__": MARKER}.items():
        cell = cell.replace(token, repr(value))
    notebook.cells.append(nbformat.v4.new_code_cell(cell))
    work = out / "work"
    work.mkdir(parents=True, exist_ok=True)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", record_timing=True,
                            resources={"metadata": {"path": str(work)}})
    began, error = time.perf_counter(), None
    try:
        client.execute()
    except CellExecutionError as failure:
        error = str(failure).strip().splitlines()[-1][:300]
    except Exception as failure:  # a kernel that died, a time-out
        error = f"{type(failure).__name__}: {str(failure)[:300]}"
    seconds = time.perf_counter() - began
    results = {}
    for output in notebook.cells[-1].get("outputs", []):
        for line in output.get("text", "").splitlines():
            if line.startswith(MARKER):
                results = json.loads(line[len(MARKER):])
    nbformat.write(notebook, out / f"{key}_executed.ipynb")
    return seconds, sections(notebook), results, error


def machine():
    import subprocess

    gpu = "no GPU"
    try:
        names = subprocess.run(["nvidia-smi", "--query-gpu=name,memory.total", "--format=csv,noheader"],
                               capture_output=True, text=True, timeout=20).stdout.strip()
        gpu = names or gpu
    except (OSError, subprocess.SubprocessError):
        pass
    memory = ""
    if Path("/proc/meminfo").is_file():
        total_kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {total_kb / 2**20:.0f} GiB memory"
    place = "Colab" if "COLAB_RELEASE_TAG" in os.environ else platform.node() or "this machine"
    return f"{place}: {os.cpu_count()} CPU cores{memory}, {gpu}; Python {platform.python_version()}"


def figure_text(value):
    return f"{value:,.3f}" if isinstance(value, float) and abs(value) < 10 else (
        f"{value:,.1f}" if isinstance(value, float) else str(value))


def write_report(out, runs, mode, scale, started, cache, live):
    versions = "the live-coding versions of " if live else ""
    lines = [f"# Rehearsal: {versions}{', '.join(runs)} in `{mode}` mode",
             "",
             f"Machine: {machine()}. Started {started:%Y-%m-%d %H:%M} UTC; made by `python tools/rehearse.py`"
             + (f" with time budgets scaled by {scale:g}" if scale != 1 else "") + "; data caches: "
             + ("empty at the start (a learner's first run)" if cache == "fresh" else "the usual, shared ones") + ".",
             "",
             "| notebook | whole run | trained | peak host memory | peak GPU memory | error |",
             "|---|---|---|---|---|---|"]
    for key, (seconds, _, results, error) in runs.items():
        trained = (f"{results['steps']:,} steps in {results['minutes']:.1f} of {results['budget_minutes']:g} min"
                   if "steps" in results else "-")
        gpu = f"{results['peak_gpu_mb']:,.0f} MB" if "peak_gpu_mb" in results else "-"
        lines.append(f"| {key} | {seconds / 60:.1f} min | {trained} | {results.get('peak_host_mb', 0):,.0f} MB | "
                     f"{gpu} | {error or 'none'} |")
    lines += ["", "## Time by section (the slowest cell of each)", ""]
    for key, (_, found, _, _) in runs.items():
        lines.append(f"**{key}**: " + "; ".join(
            f"{heading} {total:.0f} s" + (f" (`{slow[:40]}` {slow_seconds:.0f} s)" if total >= 10 else "")
            for heading, total, slow, slow_seconds in found))
        lines.append("")
    lines += ["## What the notebooks printed", "", "| notebook | figure | value |", "|---|---|---|"]
    for key, (_, _, results, _) in runs.items():
        for name in FIGURES[key]:
            if name in results:
                lines.append(f"| {key} | {name} | {figure_text(results[name])} |")
        if "data" in results:
            lines.append(f"| {key} | data | {results['data']} |")
    pictures = [(key, results["grid"]) for key, (_, _, results, _) in runs.items() if "grid" in results]
    if pictures:
        lines += ["", "## The last sample grids", ""]
        lines += [f"{key}: <img src=\"{name}\" alt=\"notebook {key}'s last sample grid\" width=\"280\">"
                  for key, name in pictures]
    generators = [(key, results["generator"]) for key, (_, _, results, _) in runs.items() if "generator" in results]
    if generators:
        lines += ["", "## Generators to share", ""]
        lines += [f"- notebook {key}: `{os.path.relpath(path, out)}` (beside this report; share it as 'Anyone with "
                  "the link'; learners set `use_trained_generator = True` and paste the link into "
                  "`instructor_generator` in the catch-up cell)" for key, path in generators]
    (out / "REPORT.md").write_text("\n".join(lines) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=("full", "fast", "smoke"), help="default: what this machine picks")
    parser.add_argument("--notebooks", default="01,02,03,04")
    parser.add_argument("--out", help="the report's folder (default: rehearsal/ in the course's output folder)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every time budget (a quick check: 0.25)")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds any one cell may take")
    parser.add_argument("--live", action="store_true", help="rehearse the live-coding versions (blanks left empty)")
    parser.add_argument("--cache", choices=("fresh", "shared"), default="fresh",
                        help="fresh: empty data caches, as a learner's first run (default); shared: the usual ones")
    args = parser.parse_args()
    keys = [key.strip() for key in args.notebooks.split(",")]
    unknown = [key for key in keys if key not in NOTEBOOKS]
    if unknown:
        parser.error(f"no notebook {unknown}; choose from {', '.join(NOTEBOOKS)}")
    if args.scale <= 0:
        parser.error("--scale must be positive")
    from workshop_utils import runtime

    if args.mode:
        os.environ[runtime.MODE_ENV_VAR] = args.mode
    mode = runtime.get_mode()
    out = Path(args.out) if args.out else runtime.output_dir("rehearsal")
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    outputs = out / "outputs"
    if outputs.exists():  # a rehearsal trains from scratch: last rehearsal's checkpoints go
        import shutil

        shutil.rmtree(outputs)
    os.environ[runtime.OUTPUT_ENV_VAR] = str(outputs)  # fresh checkpoints, not the room's
    if args.cache == "fresh":
        import shutil

        shutil.rmtree(out / "cache", ignore_errors=True)
        os.environ[runtime.CACHE_ENV_VAR] = str(out / "cache")
    # The kernels import this checkout's package (on Colab the notebooks' setup cell may also
    # install the tagged release, the same code).
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    os.environ[runtime.BUDGET_SCALE_ENV_VAR] = str(args.scale)
    started = datetime.datetime.now(datetime.timezone.utc)
    runs = {}
    for key in keys:
        print(f"notebook {key} ({NOTEBOOKS[key]}) in {mode} mode ...", flush=True)
        runs[key] = run(key, out, args.timeout, args.live)
        seconds, _, results, error = runs[key]
        if "generator" in results:  # a copy to share, under a name no later rehearsal reuses
            import shutil

            shared = out / "share" / f"{key}_generator-{mode}-{started:%Y%m%d-%H%M%S}.weights.h5"
            shared.parent.mkdir(exist_ok=True)
            for number in range(2, 100):  # never over a file a link may point to
                if not shared.exists():
                    break
                shared = shared.with_name(f"{key}_generator-{mode}-{started:%Y%m%d-%H%M%S}-{number}.weights.h5")
            shutil.copyfile(results["generator"], shared)
            results["generator"] = str(shared)
        print(f"  {seconds / 60:.1f} min" + (f"; ERROR: {error}" if error else "")
              + (f"; {results['steps']:,} steps" if "steps" in results else ""), flush=True)
        write_report(out, runs, mode, args.scale, started, args.cache, args.live)  # even if a later one fails
    print(f"Report: {out / 'REPORT.md'}")
    return 1 if any(error for *_, error in runs.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
