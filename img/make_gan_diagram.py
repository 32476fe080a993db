"""Draw the GAN diagram that notebooks 02 and 03 show: python img/make_gan_diagram.py

The generator G turns noise z into an image; the discriminator D scores real and generated
images; D's loss trains D, and the same score, passed back through D, trains G.
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402


def box(ax, x, y, text, colour, width=1.7, height=0.8):
    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height, boxstyle="round,pad=0.05",
                                facecolor=colour, edgecolor="black", linewidth=1.2))
    ax.text(x, y, text, ha="center", va="center", fontsize=11)


def arrow(ax, start, end, text="", colour="black", style="-|>", bend=0.0, offset=(0, 0.18)):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=14, color=colour, linewidth=1.4,
                                 connectionstyle=f"arc3,rad={bend}"))
    if text:
        ax.text((start[0] + end[0]) / 2 + offset[0], (start[1] + end[1]) / 2 + offset[1], text, ha="center",
                fontsize=9, color=colour)


def main():
    figure, ax = plt.subplots(figsize=(10, 4))
    box(ax, 0.9, 1.0, "noise $z$\n(B, latent_dim)", "#eeeeee", width=1.7)
    box(ax, 3.25, 1.0, "generator $G$\n(upsampling convs)", "#cfe3ff", width=2.1)
    box(ax, 5.5, 1.0, "fake images\n$G(z)$", "#eeeeee", width=1.5)
    box(ax, 5.5, 3.0, "real images $x$", "#eeeeee", width=1.5)
    box(ax, 7.9, 2.0, "discriminator $D$\n(strided convs)", "#ffd9cc", width=1.9)
    box(ax, 10.1, 2.0, "logit $l$\n$D = \\sigma(l)$", "#eeeeee", width=1.3)
    arrow(ax, (1.8, 1.0), (2.15, 1.0))
    arrow(ax, (4.35, 1.0), (4.7, 1.0))
    arrow(ax, (6.25, 1.1), (6.9, 1.8))
    arrow(ax, (6.25, 2.9), (6.9, 2.2))
    arrow(ax, (8.9, 2.0), (9.45, 2.0))
    arrow(ax, (10.1, 2.45), (8.3, 2.5), "$L_D$: real up, fake down\n(updates D only)", "#b5401f", bend=0.35,
          offset=(0.2, 0.55))
    arrow(ax, (10.1, 1.55), (3.4, 0.55), "$L_G$: fake up, its gradient flows back through D (updates G only)",
          "#1f5fb5", bend=-0.25, offset=(0.4, -1.05))
    ax.set(xlim=(0, 11), ylim=(-0.6, 3.8))
    ax.set_axis_off()
    ax.set_title("A GAN: two networks, one game", fontsize=13)
    path = Path(__file__).resolve().parent / "gan_diagram.png"
    figure.savefig(path, dpi=110, bbox_inches="tight")
    print(f"wrote {path.name}")


if __name__ == "__main__":
    main()
