"""Training and research code of synthsieve's detectors: data, folds, fitting, leave-one-out evaluation.

The runtime (``synthsieve.detectors``, ``synthsieve.pipeline``) never imports this package; only the CLI commands
``synthsieve train`` and ``synthsieve eval`` do, inside their functions. Every score it reports comes from
``synthsieve.detectors.scoring.FirstStage``, the pipeline's own path.
"""
