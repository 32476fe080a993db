"""Fail unless every package pinned in a constraints file is installed at exactly its pin.

    python .ci/check_pins.py constraints/colab.txt "after installing workshop_utils"

Run with the interpreter of the environment to check. Used by .ci/run after the Colab
setup cell's install: that install must change none of Colab's preinstalled versions.
"""

import importlib.metadata
import re
import sys


def pins(path):
    for line in open(path):
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            yield name.strip(), version.strip()


def main(path, when):
    changed = []
    for name, pinned in pins(path):
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            installed = "not installed"
        if installed != pinned:
            changed.append(f"  {name}: Colab has {pinned}, this environment has {installed}")
    if changed:
        sys.exit(f"{when}, {len(changed)} of Colab's packages differ from {path}:\n" + "\n".join(changed)
                 + "\nA dependency range in pyproject.toml must admit Colab's version; widen it.")
    count = sum(1 for _ in pins(path))
    print(f"{when}: all {count} packages pinned in {path} are at Colab's versions.")


if __name__ == "__main__":
    if len(sys.argv) != 3 or not re.search(r"\.txt$", sys.argv[1]):
        sys.exit(__doc__)
    main(*sys.argv[1:])
