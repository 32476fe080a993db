"""The live-coding notebooks' blanks (``notebooks/live/``, made by ``tools/make_live_notebooks.py``).

A blank is a definition whose body is one line, ``raise NotImplementedError(BLANK)``, with
the signature, the docstring and the expected shapes kept. The catch-up cell after it runs
the reference code only ``if live.blank(name)``: once the learner (or the instructor, live)
has typed a body, the catch-up leaves it alone.
"""

from __future__ import annotations

import inspect

BLANK = "live-coding blank: type the body in, or run the catch-up cell below"


def _is_blank_function(function) -> bool:
    code = getattr(function, "__code__", None)
    return code is not None and BLANK in code.co_consts


def blank(*definitions) -> bool:
    """True when any of the functions or classes given is still a blank (for a class: any of
    its methods or properties)."""
    for definition in definitions:
        if inspect.isclass(definition):
            members = [getattr(member, "fget", member) for member in vars(definition).values()]
            if any(_is_blank_function(getattr(member, "__func__", member)) for member in members):
                return True
        elif _is_blank_function(definition):
            return True
    return False


def agrees(mine, reference, arguments: int, trials: int = 3, atol: float = 1e-5) -> bool:
    """Whether ``mine`` gives what ``reference`` gives on random batches of logits (16, 1),
    ``arguments`` of them per call: a loss typed into a blank, checked against the package's."""
    import numpy as np
    from keras import ops

    rng = np.random.default_rng(0)
    for _ in range(trials):
        logits = [ops.convert_to_tensor(rng.normal(0, 2, (16, 1)).astype("float32")) for _ in range(arguments)]
        if not np.isclose(float(mine(*logits)), float(reference(*logits)), atol=atol):
            return False
    return True
