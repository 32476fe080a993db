"""Mode collapse, counted: GANs on a ring of 8 Gaussians, over several seeds.

For each setting of notebook 02 it trains a small MLP GAN from several seeds and prints,
per seed and on average, the modes covered (of 8) and the share of high-quality samples
(within 3 standard deviations of a real mode), so the notebook's claim is a measured one.

    python benchmarks/toy_modes.py --seeds 5
"""

from __future__ import annotations

import argparse
import json
import os
import warnings
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
warnings.filterwarnings("ignore", message="`shuffle=True` was passed")  # our pipelines shuffle

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from workshop_utils import models, sampling, toys  # noqa: E402
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from notebook_settings import assigned, call_keywords  # noqa: E402  (the notebooks' own settings)

# The settings notebook 02 contrasts, read from it; covering_sn adds spectral normalisation.
_TAUGHT = assigned("02", "settings")
SETTINGS = {
    "collapsing": dict(loss="non_saturating", **_TAUGHT["G 10x faster than D"]),
    "covering": dict(loss="non_saturating", **_TAUGHT["balanced"]),
}
SETTINGS["covering_sn"] = {**SETTINGS["covering"], "spectral_norm": True}
RING = {k: v for k, v in call_keywords("02", "toys.ring_of_gaussians", having="radius").items() if k != "seed"}


def train_toy(loss, spectral_norm, seed, steps, batch_size=256, d_learning_rate=1e-3, g_learning_rate=1e-3,
              beta_1=0.5, latent_dim=2):
    keras.utils.set_random_seed(seed)
    points, _ = toys.ring_of_gaussians(min(steps * batch_size, 100_000), seed=seed, **RING)
    gan = models.GAN(toys.build_toy_generator(latent_dim), toys.build_toy_discriminator(spectral_norm=spectral_norm),
                     loss=loss, seed=seed)
    gan.compile(d_optimizer=keras.optimizers.Adam(d_learning_rate, beta_1=beta_1),
                g_optimizer=keras.optimizers.Adam(g_learning_rate, beta_1=beta_1))
    data = tf.data.Dataset.from_tensor_slices(points).shuffle(len(points), seed=seed).repeat().batch(batch_size)
    gan.fit(data, epochs=1, steps_per_epoch=steps, verbose=0)
    samples = sampling.generate_images(gan, 2000, seed=seed)
    return toys.mode_coverage(samples, toys.ring_centres(RING["modes"], RING["radius"]), RING["std"])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--settings", default=",".join(SETTINGS), help="comma-separated names")
    parser.add_argument("--extra", default="", help='settings to screen: name={"g_learning_rate": 0.005, ...};...')
    args = parser.parse_args()
    print(f"ring of {RING['modes']} Gaussians (radius {RING['radius']}, std {RING['std']}), "
          f"{args.steps} steps, {args.seeds} seeds")
    chosen = {name: SETTINGS[name] for name in args.settings.split(",") if name}
    for item in filter(None, args.extra.split(";")):
        name, spec = item.split("=", 1)
        chosen[name] = {"loss": "non_saturating", "spectral_norm": False, **json.loads(spec)}
    for name, setting in chosen.items():
        began = time.perf_counter()
        results = [train_toy(seed=seed, steps=args.steps, **setting) for seed in range(args.seeds)]
        modes = [r["modes_covered"] for r in results]
        quality = [r["high_quality_share"] for r in results]
        print(f"{name:11} {setting}: modes covered {modes} mean {np.mean(modes):.1f}/8; "
              f"high-quality share mean {np.mean(quality):.2f} "
              f"({(time.perf_counter() - began) / args.seeds:.0f} s per run)")


if __name__ == "__main__":
    main()
