"""Test-wide settings, applied before any test or notebook kernel starts.

Notebook kernels started by nbval inherit this environment: smoke mode, a fresh cache
folder, no offline data folder (so nothing depends on this machine's files), quiet TF.
"""

import os
import tempfile

os.environ["WORKSHOP_MODE"] = "smoke"
os.environ["WORKSHOP_CACHE_DIR"] = tempfile.mkdtemp(prefix="workshop-cache-")
os.environ.pop("WORKSHOP_DATA_DIR", None)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")
