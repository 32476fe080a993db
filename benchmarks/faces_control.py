"""Attribute control of notebook 04's VAC-GAN on procedural faces, for a fixed CPU budget.

The generator is asked for attribute vectors drawn from held-out real faces; an
*independent* attribute classifier (trained separately on real procedural faces, never the
discriminator) reads the attributes in what it draws. Control accuracy = how often the
reading matches the request, per attribute and on average. Also printed: the
discriminator head's accuracy on held-out real faces, next to the majority-class baseline.

    python benchmarks/faces_control.py --budget 600

Target (2-core CPU, 600 s of training): mean control accuracy >= 0.90.
Screen other settings with ``--config '{"d_steps": 2, "g_lr": 5e-5}'``.
"""

from __future__ import annotations

import argparse
import json
import os
import time
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
warnings.filterwarnings("ignore", message="`shuffle=True` was passed")  # our pipelines shuffle

import keras  # noqa: E402
import numpy as np  # noqa: E402

from workshop_utils import callbacks, cartoon_faces, datasets, face_models, metrics, models, scorers# noqa: E402

#: The notebook's fast-mode settings (a CPU laptop); --config overrides any of them.
DEFAULTS = {
    "latent_dim": 64,
    "g_widths": [128, 64, 32, 16],
    "d_widths": [16, 32, 64, 128],
    "batch_size": 64,
    "d_lr": 2e-4,
    "g_lr": 2e-4,
    "beta_1": 0.0,
    "d_steps": 1,
    "class_weight": 1.0,
}


def build(config, num_attributes, seed):
    keras.utils.set_random_seed(seed)
    generator = face_models.build_face_generator(config["latent_dim"], num_attributes, widths=tuple(config["g_widths"]))
    discriminator = face_models.build_face_discriminator(num_attributes, widths=tuple(config["d_widths"]))
    gan = face_models.VACGAN(generator, discriminator, class_weight=config["class_weight"],
                        d_steps=config["d_steps"], seed=seed)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(config["d_lr"], beta_1=config["beta_1"], beta_2=0.9),
        g_optimizer=keras.optimizers.Adam(config["g_lr"], beta_1=config["beta_1"], beta_2=0.9),
    )
    return gan


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--budget", type=float, default=600, help="training seconds (evaluation not counted)")
    parser.add_argument("--every", type=float, default=60, help="evaluate every this many training seconds")
    parser.add_argument("--train", type=int, default=20000, help="procedural faces to train the GAN on")
    parser.add_argument("--samples", type=int, default=2000, help="generated faces per evaluation")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--config", default="{}", help="JSON object overriding DEFAULTS")
    parser.add_argument("--save-samples", default=None, help="folder for a PNG grid of the final samples")
    args = parser.parse_args()
    config = {**DEFAULTS, **json.loads(args.config)}
    unknown = set(config) - set(DEFAULTS)
    if unknown:
        raise SystemExit(f"Unknown config keys {sorted(unknown)}; known: {sorted(DEFAULTS)}")
    print("config:", json.dumps(config))

    began = time.perf_counter()
    train_images, train_attributes = cartoon_faces.procedural_faces(args.train, seed=args.seed + 1)
    held_images, held_attributes = cartoon_faces.procedural_faces(args.samples, seed=args.seed + 2)
    scorer_images, scorer_attributes = cartoon_faces.procedural_faces(10000, seed=args.seed + 3)  # its own faces
    print(f"{args.train + args.samples + 10000} procedural faces drawn in {time.perf_counter() - began:.1f} s")
    names = cartoon_faces.FACE_ATTRIBUTES
    scorer = scorers.attribute_scorer(scorer_images, scorer_attributes, names)
    scorer_accuracy = scorer.accuracy(datasets.to_unit_range(held_images), held_attributes)
    baseline = metrics.majority_baseline(held_attributes)
    print(f"independent classifier on held-out real faces: mean accuracy {scorer_accuracy['mean']:.4f} "
          f"(majority baseline {baseline.mean():.4f})")

    gan = build(config, len(names), args.seed)
    dataset = datasets.attribute_dataset(train_images, train_attributes, config["batch_size"], seed=args.seed)
    rng = np.random.default_rng(args.seed)
    requested = held_attributes[rng.permutation(len(held_attributes))]  # realistic combinations
    held_unit = datasets.to_unit_range(held_images)

    def evaluate(model):
        fakes = models.generate_images(model, len(requested), requested, seed=args.seed)
        control = scorer.accuracy(fakes, requested)
        _, attribute_logits = model.discriminator.predict(held_unit, batch_size=256, verbose=0)
        d_head = ((attribute_logits > 0) == held_attributes).mean()
        return {"control": control["mean"], "d_head": float(d_head), "per_attribute": control, "fakes": fakes}

    tracker = callbacks.TimedEvaluation(evaluate, every_seconds=args.every, budget_seconds=args.budget, verbose=True)
    print(f"training for {args.budget:.0f} s of training time...")
    gan.fit(dataset, epochs=10_000, callbacks=[tracker, callbacks.StopOnNaN()], verbose=0)

    print("\n| seconds | steps | control accuracy | D head on real (held out) |")
    print("|---|---|---|---|")
    for record in tracker.records:
        print(f"| {record['seconds']:.0f} | {record['step']} | {record['control']:.3f} | {record['d_head']:.3f} |")
    final = tracker.records[-1]
    print("\nper attribute at the end (control | independent classifier on real | majority baseline):")
    for index, name in enumerate(names):
        print(f"  {name:12s} {final['per_attribute'][name]:.3f} | {scorer_accuracy[name]:.3f} | {baseline[index]:.3f}")
    print(f"mean control accuracy {final['control']:.3f} after {final['seconds']:.0f} s, {final['step']} steps "
          f"(target >= 0.90)")
    if args.save_samples:
        from PIL import Image

        from workshop_utils import plotting

        os.makedirs(args.save_samples, exist_ok=True)
        path = os.path.join(args.save_samples, "faces_control_samples.png")
        Image.fromarray(plotting.image_grid(final["fakes"][:64], 8)).save(path)
        print("samples saved to", path)


if __name__ == "__main__":
    main()
