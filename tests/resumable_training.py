"""A small VAC-GAN run with per-epoch checkpoints, for the kill-and-resume test.

    python tests/resumable_training.py CHECKPOINT_FOLDER EPOCHS STEPS_PER_EPOCH [SECONDS_PER_STEP]

Prints one JSON line at the end: the epoch it resumed from and the step counters.
"""

import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402

from workshop_utils import callbacks, cartoon_faces, datasets, face_models# noqa: E402


def main():
    folder, epochs, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    pause = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
    keras.utils.set_random_seed(0)
    generator = face_models.build_face_generator(8, 8, widths=(16, 8, 8, 8))
    discriminator = face_models.build_face_discriminator(8, widths=(8, 8, 8, 8))
    gan = face_models.VACGAN(generator, discriminator)
    gan.compile(keras.optimizers.Adam(2e-4, beta_1=0.0), keras.optimizers.Adam(2e-4, beta_1=0.0))
    images, attributes = cartoon_faces.procedural_faces(64, seed=1)
    dataset = datasets.attribute_dataset(images, attributes, batch_size=16).repeat()

    class Slow(keras.callbacks.Callback):  # makes "mid-epoch" a window the test can hit
        def on_train_batch_end(self, batch, logs=None):
            time.sleep(pause)

    checkpoint = callbacks.EpochCheckpoint(folder, verbose=False)
    start = checkpoint.restore(gan)
    print(json.dumps({"event": "started", "initial_epoch": start}), flush=True)
    gan.fit(dataset, epochs=epochs, steps_per_epoch=steps, initial_epoch=start, verbose=0,
            callbacks=[checkpoint, Slow()])
    print(json.dumps({"event": "finished", "initial_epoch": start,
                      "d_steps": int(gan.d_optimizer.iterations.numpy()),
                      "g_steps": int(gan.g_optimizer.iterations.numpy())}), flush=True)


if __name__ == "__main__":
    main()
