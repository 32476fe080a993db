"""Procedural faces: 64 x 64 colour cartoons whose attributes are known exactly.

They stand in for CelebA where there is no network (smoke mode, tests, a CPU run of
notebook 04, the attribute-control benchmark). Their attributes carry CelebA's names, so
the same model, grid and explorer code runs on either. A notebook that uses them says so.

Each face is painted with soft-edged shapes (a signed distance turned into a one-pixel
linear edge), vectorised over batches of faces: 10,000 faces take about 7 s on one core.
"""

from __future__ import annotations

import numpy as np

from .checks import FACE_SIZE, check_face_images, is_count
from .datasets import Faces

#: The attributes a procedural face has, named as in CelebA's ``list_attr_celeba.txt``.
FACE_ATTRIBUTES = (
    "Bangs", "Black_Hair", "Blond_Hair", "Eyeglasses", "Male", "Pale_Skin", "Smiling", "Wearing_Hat",
)

_HAIR_COLOURS = {  # RGB in [0, 1]
    "black": (0.09, 0.07, 0.07),
    "blond": (0.93, 0.80, 0.42),
    "brown": (0.45, 0.28, 0.14),
}


def sample_face_attributes(count: int, seed: int = 0) -> np.ndarray:
    """``count`` attribute vectors (uint8 0/1, in FACE_ATTRIBUTES order), drawn independently,
    except that hair is one of black, blond or brown (a third each)."""
    if not is_count(count) or count < 1:
        raise ValueError(f"count must be a positive int, got {count!r}.")
    rng = np.random.default_rng(seed)
    attributes = np.zeros((count, len(FACE_ATTRIBUTES)), dtype=np.uint8)
    column = {name: index for index, name in enumerate(FACE_ATTRIBUTES)}
    hair = rng.integers(0, 3, size=count)  # 0 black, 1 blond, 2 brown
    attributes[:, column["Black_Hair"]] = hair == 0
    attributes[:, column["Blond_Hair"]] = hair == 1
    for name, probability in [("Bangs", 0.5), ("Eyeglasses", 0.4), ("Male", 0.5),
                              ("Pale_Skin", 0.4), ("Smiling", 0.5), ("Wearing_Hat", 0.35)]:
        attributes[:, column[name]] = rng.random(count) < probability
    return attributes


def _soft(distance):
    """Signed distance (negative inside) -> coverage in [0, 1] with a one-pixel linear edge."""
    return np.clip(0.5 - distance, 0.0, 1.0)


def _ellipse(x, y, cx, cy, rx, ry):
    """Approximate signed distance in pixels to an axis-aligned ellipse (negative inside)."""
    radius = np.sqrt(((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2)
    return (radius - 1.0) * np.minimum(rx, ry)


def _paint(canvas, coverage, colour):
    """Blend ``colour`` (B, 3) into ``canvas`` (3, B, H, W) where ``coverage`` (B, H, W) says.

    Channels first, so that the per-pixel coverage broadcasts over contiguous memory."""
    colour = np.asarray(colour, dtype=np.float32).T[:, :, None, None]
    canvas += coverage * (colour - canvas)
    return canvas


def render_faces(attributes, seed: int = 0, size: int = FACE_SIZE) -> np.ndarray:
    """Paint one face per attribute row (FACE_ATTRIBUTES order, 0/1) -> uint8 (N, size, size, 3).

    Pose, head shape, colours and background vary at random (deterministic for a seed);
    the attributes decide hair colour and length, bangs, hat, glasses, mouth and skin.
    """
    attributes = np.asarray(attributes)
    if attributes.ndim != 2 or attributes.shape[1] != len(FACE_ATTRIBUTES):
        raise ValueError(
            f"Expected attributes of shape (N, {len(FACE_ATTRIBUTES)}) in the order "
            f"{FACE_ATTRIBUTES}, got {attributes.shape}."
        )
    if attributes.size and not np.isin(attributes, (0, 1)).all():
        raise ValueError("Expected attribute values 0 or 1.")
    if not isinstance(size, int) or size < 16:
        raise ValueError(f"size must be an int of at least 16 pixels, got {size!r}.")
    count = len(attributes)
    rng = np.random.default_rng(seed)
    has = {name: attributes[:, index].astype(bool) for index, name in enumerate(FACE_ATTRIBUTES)}

    def uniform(low, high):
        return rng.uniform(low, high, size=count).astype(np.float32)[:, None, None]

    def flat(mask):
        return mask.astype(np.float32)[:, None, None]

    # Work on a 64-pixel grid whatever the output size, then resize at the end.
    grid = np.arange(64, dtype=np.float32) + 0.5
    y, x = np.meshgrid(grid, grid, indexing="ij")
    x, y = x[None], y[None]

    background = rng.uniform(0.25, 0.85, size=(count, 3)).astype(np.float32)
    canvas = np.broadcast_to(background.T[:, :, None, None], (3, count, 64, 64)).copy()
    canvas *= 1.0 - 0.25 * (y / 64.0)  # a little vertical shading

    cx = uniform(28.5, 35.5)
    cy = uniform(33.0, 37.0)
    male = flat(has["Male"])
    rx = uniform(13.0, 15.0) + 2.0 * male  # men: wider heads
    ry = uniform(17.0, 19.5)

    hair_colour = np.where(has["Black_Hair"][:, None], _HAIR_COLOURS["black"],
                           np.where(has["Blond_Hair"][:, None], _HAIR_COLOURS["blond"], _HAIR_COLOURS["brown"]))
    hair_colour = np.clip(hair_colour * rng.uniform(0.85, 1.15, size=(count, 1)), 0, 1)

    # Hair behind the head: long (to the shoulders) for women, a short cap for men.
    long_hair = _ellipse(x, y, cx, cy + 6, rx + 4.5, ry + 9)
    long_hair = np.maximum(long_hair, cy - 6 - y)  # only the sides below the crown
    long_hair = np.minimum(long_hair, _ellipse(x, y, cx, cy - 3, rx + 3, ry + 1))
    short_hair = _ellipse(x, y, cx, cy - 3, rx + 2, ry + 1.5)
    hair = np.where(male > 0, short_hair, long_hair)
    canvas = _paint(canvas, _soft(hair), hair_colour)

    skin = np.where(has["Pale_Skin"][:, None], rng.uniform(0.93, 1.0, size=(count, 1)) * np.array([1.0, 0.89, 0.83]),
                    rng.uniform(0.55, 0.85, size=(count, 1)) * np.array([0.92, 0.70, 0.52]))
    face = _ellipse(x, y, cx, cy, rx, ry)
    canvas = _paint(canvas, _soft(face), skin)

    # Bangs: a fringe of hair over the forehead, inside the face outline.
    fringe_bottom = cy - ry * uniform(0.25, 0.35)
    fringe = np.maximum(face - 1.0, y - fringe_bottom - 1.5 * np.sin((x - cx) * 0.9) ** 2)
    canvas = _paint(canvas, _soft(fringe) * flat(has["Bangs"]), hair_colour)

    # Eyes and brows.
    eye_y = cy - ry * 0.12
    eye_dx = rx * 0.42
    eye_colour = np.full((count, 3), 0.08)
    for side in (-1, 1):
        eye = _ellipse(x, y, cx + side * eye_dx, eye_y, 1.7, 1.3)
        canvas = _paint(canvas, _soft(eye), eye_colour)
        brow_thickness = 0.7 + 0.6 * male
        brow = np.maximum(np.abs(y - (eye_y - 4.0)) - brow_thickness, np.abs(x - (cx + side * eye_dx)) - 3.0)
        canvas = _paint(canvas, _soft(brow) * 0.8, hair_colour * 0.6)

    # Eyeglasses: two dark rings joined by a bridge.
    frame_colour = np.repeat(rng.uniform(0.0, 0.25, size=(count, 1)), 3, axis=1)
    glasses = np.full_like(canvas[0], np.inf)
    for side in (-1, 1):
        ring = np.abs(_ellipse(x, y, cx + side * eye_dx, eye_y, 4.2, 3.4)) - 0.7
        glasses = np.minimum(glasses, ring)
    bridge = np.maximum(np.abs(y - eye_y + 0.5) - 0.6, np.abs(x - cx) - (eye_dx - 4.0))
    glasses = np.minimum(glasses, bridge)
    canvas = _paint(canvas, _soft(glasses) * flat(has["Eyeglasses"]), frame_colour)

    # Mouth: a wide smile with teeth, or a short straight line.
    mouth_y = cy + ry * 0.48
    lip_colour = np.where(has["Male"][:, None], skin * 0.55, np.array([0.75, 0.15, 0.2]))
    width = rx * 0.6
    curve = mouth_y + 4.0 * (1.0 - ((x - cx) / width) ** 2) - 1.5  # U-shaped smile
    smile = np.maximum(np.maximum(y - curve, mouth_y - 1.2 - y), np.abs(x - cx) - width)
    smile_teeth = np.maximum(np.maximum(y - curve + 1.2, mouth_y - 0.2 - y), np.abs(x - cx) - width + 1.5)
    straight = np.maximum(np.abs(y - mouth_y) - 0.8, np.abs(x - cx) - width * 0.6)
    smiling = flat(has["Smiling"])
    canvas = _paint(canvas, _soft(np.where(smiling > 0, smile, straight)), lip_colour)
    canvas = _paint(canvas, _soft(smile_teeth) * smiling, np.full((count, 3), 0.97))

    # Hat: a crown over the top of the head and a brim across the forehead.
    hat_colour = rng.uniform(0.0, 1.0, size=(count, 3)) ** 2
    brim_y = cy - ry * uniform(0.55, 0.65)
    crown = np.maximum(_ellipse(x, y, cx, brim_y, rx + 1.0, ry * 0.75), y - brim_y)
    brim = np.maximum(np.abs(y - brim_y) - 1.4, np.abs(x - cx) - (rx + 4.5))
    canvas = _paint(canvas, _soft(np.minimum(crown, brim)) * flat(has["Wearing_Hat"]), hat_colour)

    canvas += rng.normal(0, 0.015, size=canvas.shape).astype(np.float32)  # a little sensor noise
    images = np.clip(np.round(canvas.transpose(1, 2, 3, 0) * 255), 0, 255).astype(np.uint8)
    if size != 64:  # the drawing grid's size
        from PIL import Image

        images = np.stack([np.asarray(Image.fromarray(image).resize((size, size), Image.Resampling.BILINEAR))
                           for image in images])
    return images


#: Rows along the top of a procedural face that only its background reaches: the highest hat's
#: crown starts at row 5 of 64 (``render_faces``: the brim at ``cy - 0.65 ry`` or lower, the crown
#: ``0.75 ry`` above it, with ``cy >= 33`` and ``ry <= 19.5``).
BACKGROUND_ROWS = 5
_BLOCK = 4  # pixels along the band averaged into one colour (64 / 4 = 16 blocks)


def background_spread(images) -> np.ndarray:
    """Per face, how far its background is from one flat colour, in pixel levels (0 to 255).

    The top ``BACKGROUND_ROWS`` rows (where a procedural face has only background) are averaged
    into 16 blocks of 4 columns, so that pixel noise mostly cancels; the spread is the standard
    deviation of the blocks' colours, averaged over the three channels. A rendered face scores
    about 1 (its sensor noise, averaged); a background whose colour drifts across the picture, as
    a GAN's mottled ones do, scores several times that. ``images``: faces as float32 (N, 64, 64, 3)
    in [-1, 1]. Meaningful for procedural faces only: CelebA's backgrounds are photographs.
    """
    images = check_face_images(images)
    band = images[:, :BACKGROUND_ROWS].reshape(len(images), BACKGROUND_ROWS, FACE_SIZE // _BLOCK, _BLOCK, 3)
    blocks = band.mean(axis=(1, 3))  # (N, 16, 3): one colour per block
    return blocks.std(axis=1).mean(axis=-1) * 127.5  # [-1, 1] spans 255 levels


def procedural_faces(count: int, seed: int = 0, size: int = FACE_SIZE, pool=None) -> tuple[np.ndarray, np.ndarray]:
    """``count`` procedural faces (uint8, N x size x size x 3) and their attributes (uint8 0/1,
    N x 8, in FACE_ATTRIBUTES order). Deterministic for a seed. Not CelebA: a stand-in.

    They are painted in chunks of 256, each from its own seed; ``pool`` (e.g. a
    ``multiprocessing`` pool) paints the chunks side by side: the same faces, sooner.
    """
    attributes = sample_face_attributes(count, seed=seed)
    jobs = [(attributes[start:start + 256], seed * 7919 + start, size) for start in range(0, count, 256)]
    chunks = pool.starmap(render_faces, jobs) if pool is not None else [render_faces(*job) for job in jobs]
    return np.concatenate(chunks), attributes


def load_faces(count: int = 20_000, seed: int = 0, verbose: bool = True) -> Faces:
    """``count`` procedural faces as a :class:`~workshop_utils.datasets.Faces` record, the
    same record CelebA's loader returns; drawn here, no network, and never silently."""
    images, attributes = procedural_faces(count, seed=seed)
    faces = Faces(images, attributes, FACE_ATTRIBUTES, "procedural faces (a stand-in, not CelebA)")
    if verbose:
        print(f"Using PROCEDURAL faces, not CelebA: {faces}")
    return faces
