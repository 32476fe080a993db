"""Point the course at a repository: rewrite its URL in pyproject, README badges and notebooks.

    python tools/set_repository.py https://github.com/OWNER/NAME

The URL's one source of truth is ``[project.urls] Repository`` in pyproject.toml; this script
replaces the old URL everywhere it is copied (the Colab setup cells and badges), then re-syncs
each notebook with its jupytext pair. tests/test_notebooks.py checks that they agree.
"""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(new_url: str) -> None:
    if not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", new_url):
        raise SystemExit(f"Expected https://github.com/OWNER/NAME, got {new_url!r}.")
    old_url = re.search(r'^Repository = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M).group(1)
    old_slug, new_slug = old_url.removeprefix("https://github.com/"), new_url.removeprefix("https://github.com/")
    files = [ROOT / "pyproject.toml", ROOT / "README.md", *sorted((ROOT / "notebooks").glob("*.py"))]
    for path in files:
        path.write_text(path.read_text().replace(old_slug, new_slug))
    for script in sorted((ROOT / "notebooks").glob("*.py")):
        subprocess.run([sys.executable, "-m", "jupytext", "--sync", str(script)], check=True)
    print(f"Repository set to {new_url} in {len(files)} files.")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(sys.argv[1])
