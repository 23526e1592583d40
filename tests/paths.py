"""Where the course reference material sits: ../shared beside the repository."""
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DATASETS = SHARED / "reference" / "datasets"
CAT_TRAIN = DATASETS / "train_catvnoncat.h5"
CAT_TEST = DATASETS / "test_catvnoncat.h5"
CAT_MISSING = f"the course's cat files are not at {DATASETS} (they sit in ../shared in CI)"
