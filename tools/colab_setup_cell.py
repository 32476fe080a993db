# Colab setup: install the workshop package (a fixed release), on Colab only
import sys

REPOSITORY = "https://github.com/OWNER/NAME"  # written by tools/make_package.py from pyproject.toml
RELEASE = "vX.Y.Z"  # a git tag, never a branch: everyone in the room runs the same code
if "google.colab" in sys.modules:
    import importlib.util, shutil, subprocess, time
    from importlib.metadata import version

    if importlib.util.find_spec("tensorflow") is None:  # Colab's TPU runtimes ship JAX, not TensorFlow
        raise SystemExit("This Colab runtime has no TensorFlow (a TPU runtime?). The course runs on a GPU: "
                         "Runtime > Change runtime type > T4 GPU > Save, then run the notebook again.")
    started = time.perf_counter()
    package = f"workshop_utils @ git+{REPOSITORY}@{RELEASE}"  # Colab's TensorFlow, Keras stay
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", package], check=True)
    print(f"Installed workshop_utils {version('workshop_utils')} ({RELEASE}) in {time.perf_counter() - started:.0f} s")
    if not shutil.which("nvidia-smi") or subprocess.run(["nvidia-smi"], capture_output=True).returncode:
        print("!" * 88 + "\nNO GPU: Runtime > Change runtime type > T4 GPU > Save, then run the notebook again.\n" + "!" * 88)
