"""Convolution arithmetic: how a convolution or a transposed convolution changes an image's size.

The two size formulas are first written out in notebook 01 (``# @save``); a test keeps
the copies identical.
"""

from __future__ import annotations

import math


# @save
def conv_output_size(size, kernel, stride=1, padding="valid"):
    """Output length of a convolution: floor((n - k) / s) + 1 ("valid"), ceil(n / s) ("same")."""
    if padding == "valid":
        return (size - kernel) // stride + 1
    if padding == "same":
        return math.ceil(size / stride)
    raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}.")


# @save
def conv_transpose_output_size(size, kernel, stride=1, padding="valid"):
    """Output length of a transposed convolution: (n - 1) s + max(k, s) ("valid"), n s ("same")."""
    if padding == "valid":
        return (size - 1) * stride + max(kernel, stride)  # a kernel narrower than the stride leaves gaps
    if padding == "same":
        return size * stride
    raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}.")
