"""Point the course at a repository and a release: rewrite every copy of the two.

    python tools/set_repository.py https://github.com/OWNER/NAME [--release TAG]

Their one source of truth is pyproject.toml: ``[project.urls] Repository`` and
``[tool.making-faces] release`` (a git tag). This script writes them there and everywhere
they are copied (the Colab badges, which open ``blob/TAG``; the Colab setup cell, which
installs ``git+URL@TAG``, is written into every notebook by tools/make_package.py, run here),
then re-syncs each notebook with its jupytext pair.
tests/test_notebooks.py checks that every copy agrees.
"""

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def current(pyproject: str, key: str) -> str:
    return re.search(rf'^{key} = "([^"]+)"', pyproject, re.M).group(1)


def main(new_url: str, new_release: str | None) -> None:
    if not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", new_url):
        raise SystemExit(f"Expected https://github.com/OWNER/NAME, got {new_url!r}.")
    pyproject = (ROOT / "pyproject.toml").read_text()
    old_url, old_release = current(pyproject, "Repository"), current(pyproject, "release")
    new_release = new_release or old_release
    if not re.fullmatch(r"v\d+\.\d+\.\d+", new_release):
        raise SystemExit(f"Expected a release tag such as v0.2.0 (never a branch), got {new_release!r}.")
    old_slug, new_slug = old_url.removeprefix("https://github.com/"), new_url.removeprefix("https://github.com/")
    files = [ROOT / "pyproject.toml", ROOT / "README.md", ROOT / "INSTRUCTOR.md", *sorted((ROOT / "notebooks").glob("*.py"))]
    for path in files:
        text = path.read_text().replace(old_slug, new_slug)
        text = text.replace(f"/blob/{old_release}/", f"/blob/{new_release}/")
        text = text.replace(f"/{old_release}/img/", f"/{new_release}/img/")  # raw.githubusercontent figures
        text = text.replace(f'RELEASE = "{old_release}"', f'RELEASE = "{new_release}"')
        text = text.replace(f'release = "{old_release}"', f'release = "{new_release}"')
        text = text.replace(f"`{old_release}` today", f"`{new_release}` today")  # INSTRUCTOR.md's rehearsal cell
        if path.name == "pyproject.toml":  # the package version is the tag's number
            text = re.sub(r'^version = "[^"]+"', f'version = "{new_release.removeprefix("v")}"', text, flags=re.M)
        path.write_text(text)
    for script in sorted((ROOT / "notebooks").glob("*.py")):
        subprocess.run([sys.executable, "-m", "jupytext", "--quiet", "--sync", str(script)], check=True)
    subprocess.run([sys.executable, str(ROOT / "tools" / "make_package.py")], check=True)  # the setup cells
    subprocess.run([sys.executable, str(ROOT / "tools" / "make_live_notebooks.py")], check=True)  # their badges
    print(f"Repository set to {new_url}, release {new_release}, in {len(files)} files.")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="https://github.com/OWNER/NAME")
    parser.add_argument("--release", help="the git tag the notebooks install and open (default: unchanged)")
    arguments = parser.parse_args()
    main(arguments.url, arguments.release)
