"""An ipywidgets explorer for a conditional face generator: a toggle per attribute, a
slider per latent direction, and the face redrawn on every change.

The face is an ``ipywidgets.Image`` whose PNG bytes are replaced on each change: no output
capture is involved, which JupyterLab did not show for a widget built before display
(seen in tests/test_browser.py), and no matplotlib figure per redraw."""

from __future__ import annotations

import io

import numpy as np

from . import plotting
from .datasets import attribute_index, attribute_vector


class FaceExplorer:
    """Interactive controls for ``generate(z (1, latent), attributes (1, K)) -> image``.

    ``attributes`` are the names shown as toggles (any of ``names``); the other attributes
    stay at ``base``. ``directions`` random unit directions in z-space get a slider each.
    ``widget`` is the ipywidgets box to display; ``image()`` is the current face.
    """

    def __init__(self, generate, names, latent_dim, attributes=None, base=None, directions=3, seed=0):
        import ipywidgets as widgets

        self.generate = generate
        self.names = tuple(names)
        shown = self.names if attributes is None else tuple(attributes)
        for name in shown:
            attribute_index(self.names, name)  # a ValueError with a suggestion if unknown
        self.base = attribute_vector(self.names, base=base)
        rng = np.random.default_rng(seed)
        self.z0 = rng.standard_normal(latent_dim).astype(np.float32)
        raw = rng.standard_normal((directions, latent_dim))
        self.directions = (raw / np.linalg.norm(raw, axis=1, keepdims=True)).astype(np.float32)
        self.toggles = {
            name: widgets.ToggleButton(value=bool(self.base[self.names.index(name)]), description=name,
                                       layout=widgets.Layout(width="150px"))
            for name in shown
        }
        self.sliders = [widgets.FloatSlider(value=0.0, min=-3.0, max=3.0, step=0.25, description=f"direction {i + 1}",
                                            continuous_update=False) for i in range(directions)]
        self.new_face = widgets.Button(description="new face (new z)")
        self.picture = widgets.Image(format="png", width=192, height=192)
        self.caption = widgets.Label()
        for control in [*self.toggles.values(), *self.sliders]:
            control.observe(lambda change: self.redraw(), names="value")
        self.new_face.on_click(lambda button: self.resample(rng))
        toggles = widgets.GridBox(list(self.toggles.values()),
                                  layout=widgets.Layout(grid_template_columns="repeat(4, 155px)"))
        self.widget = widgets.VBox([toggles, widgets.HBox([widgets.VBox(self.sliders), self.new_face]),
                                    self.caption, self.picture])
        self.redraw()

    def inputs(self):
        """The (z, attributes) that the controls currently describe, each with a batch axis of 1."""
        z = self.z0 + sum(slider.value * direction for slider, direction in zip(self.sliders, self.directions))
        attributes = self.base.copy()
        for name, toggle in self.toggles.items():
            attributes[self.names.index(name)] = float(toggle.value)
        return np.asarray(z, np.float32)[None], attributes[None]

    def image(self) -> np.ndarray:
        z, attributes = self.inputs()
        return np.asarray(self.generate(z, attributes))[0]

    def resample(self, rng):
        self.z0 = rng.standard_normal(self.z0.shape).astype(np.float32)
        self.redraw()

    def redraw(self):
        from PIL import Image

        self.last_image = self.image()
        face = Image.fromarray(plotting.to_uint8(self.last_image))
        png = io.BytesIO()
        face.resize((192, 192), Image.NEAREST).save(png, format="png")  # 3x, pixels kept sharp
        self.picture.value = png.getvalue()
        on = [name for name, toggle in self.toggles.items() if toggle.value]
        self.caption.value = ", ".join(on) or "(no attribute on)"
