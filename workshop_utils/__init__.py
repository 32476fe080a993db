"""workshop_utils: the helpers the Making Faces notebooks share. Import modules by name
(``from workshop_utils import datasets, models``); each module does one job:

Configuration
    checks           the bottom layer: input checks, the course's image shapes, "did you mean"
                     (every module may import it; it imports none of them)
    runtime          where we run, the run mode, seeds, the distribution strategy, mixed
                     precision, the data/cache/output folders:
                     every environment variable is read here (a new setting goes here)
    files            writing files atomically (temporary name, then rename)
Data (a new dataset gets its own module, returning the records in ``datasets``)
    datasets         what all datasets share: the Faces record, attribute helpers,
                     scaling to [-1, 1], tf.data pipelines
    mnist            MNIST digits: offline file, download, procedural stand-in
    celeba           CelebA: load_celeba and its cache
    celeba_files     CelebA: reading the attribute table and the JPEGs (folder, zip, parquet)
    celeba_layout    CelebA: where its files sit in a folder (found without listing the JPEGs)
    celeba_sources   CelebA: where it comes from (offline folder, Hugging Face, Kaggle, Drive)
    downloads        bounded network waits: a stalled or trickling server is abandoned
    cartoon_faces    procedural faces with known attributes (tests, smoke runs, CPUs)
Models and training (conv_arithmetic, models, face_models and solutions are generated from the
notebooks' `# @save MODULE` cells by tools/make_package.py: edit the notebook, not them)
    conv_arithmetic  how convolutions change an image's size (notebook 01)
    losses           GAN objectives as pure formulas of D's logits
    replicas         what a train step needs under tf.distribute (a loss's share, z per device)
    two_players      what every GAN model shares that is not the game: two optimizers (loss
                     scaling, built up front), one player's update step, z per device
    sampling         drawing images from any GAN, in batches, as NumPy
    toys             notebook 02's 1-D and 2-D toy GANs and their measures
    models           notebook 03: DCGAN builders, GAN, R1GAN, the conditional GAN
    face_models      notebook 04: face generator, two-headed discriminator, VACGAN
    solutions        reference solutions for the exercises' catch-up cells
    catchup          trained generators for learners whose training fell behind: the course's
                     (catchup/), an instructor's file or shared link
    live             the live-coding notebooks' blanks: is a definition still blank?
Measuring and showing (a new metric: its formula in metrics, its trained scorer in scorers)
    metrics          formulas: Frechet distance, Inception score, coverage, confidence
    scorers          small classifiers trained once and cached, feeding those formulas
    callbacks        what happens during fit(): samples, live curves, NaN guard, time budget
    checkpoints      the training state saved every epoch: resume, show a finished run, keep
                     each configuration's runs apart
    plotting         image grids, curves, GIFs
    widgets          the ipywidgets face explorer

Imports go one way: notebooks, benchmarks and tools import the package; inside it, the
training helpers (callbacks, scorers, widgets, catchup) import models and data, never the reverse.
"""
