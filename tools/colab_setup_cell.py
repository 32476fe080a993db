# Colab setup: install the workshop package (a fixed release), on Colab only
import sys

REPOSITORY = "https://github.com/OWNER/NAME"  # written by tools/make_package.py from pyproject.toml
RELEASE = "vX.Y.Z"  # a git tag, never a branch: everyone in the room runs the same code
WHEEL = ""  # only if GitHub fails: the path of the workshop_utils .whl file your instructor shares
if "google.colab" in sys.modules:
    import importlib.util, shutil, subprocess, time
    from importlib.metadata import version

    if importlib.util.find_spec("tensorflow") is None:  # Colab's TPU runtimes ship JAX, not TensorFlow
        raise SystemExit("This Colab runtime has no TensorFlow (a TPU runtime?). The course runs on a GPU: "
                         "Runtime > Change runtime type > T4 GPU > Save, then run the notebook again.")
    started = time.perf_counter()
    package = WHEEL or f"workshop_utils @ git+{REPOSITORY}@{RELEASE}"  # Colab's TensorFlow, Keras stay
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "-q", package], capture_output=True, text=True)
    if pip.returncode and WHEEL:
        raise SystemExit(f"Could not install {WHEEL}:\n{pip.stderr.strip()[-600:]}\nWhat to do: check that the file "
                         "is there (Files panel) and keeps its original name, workshop_utils-<version>-py3-none-any.whl "
                         "(a browser's ' (1)' breaks it), then run this cell again.")
    if pip.returncode:
        raise SystemExit(f"Could not install {package}:\n{pip.stderr.strip()[-600:]}\nWhat to do: check the "
                         f"network (and that the tag {RELEASE} exists); if GitHub is blocked or throttled, "
                         "ask your instructor for the workshop_utils .whl file, upload it (Files panel) or "
                         "mount Drive, set WHEEL = '<its path>' in this cell and run it again.")
    print(f"Installed workshop_utils {version('workshop_utils')} ({WHEEL or RELEASE}) in {time.perf_counter() - started:.0f} s")
    if not shutil.which("nvidia-smi") or subprocess.run(["nvidia-smi"], capture_output=True).returncode:
        print("!" * 88 + "\nNO GPU: Runtime > Change runtime type > T4 GPU > Save, then run the notebook again.\n" + "!" * 88)
