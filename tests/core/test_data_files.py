"""Reading HDF5 and CSV data files: the course's cat files, good files, every kind of bad one."""
import re
import tempfile
from pathlib import Path

import h5py
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import data_files
from core.data_files import MAX_CSV_BYTES, MAX_DATA_BYTES, load_csv, load_dataset_file, load_hdf5
from core.errors import DataError

# The course's files sit in the `shared` folder beside the repository (shared/reference/README.md).
COURSE_DATA = Path(__file__).resolve().parents[3] / "shared" / "reference" / "datasets"


@pytest.fixture
def cat_files():
    train, test = COURSE_DATA / "train_catvnoncat.h5", COURSE_DATA / "test_catvnoncat.h5"
    if not (train.is_file() and test.is_file()):
        pytest.skip(f"the course's cat files are not in {COURSE_DATA} (a clone outside CI)")
    return train, test


def write_h5(path, **datasets):
    """An HDF5 file holding the given arrays at the root."""
    with h5py.File(path, "w") as f:
        for name, value in datasets.items():
            f[name] = value
    return path


def write_text(path, text, encoding="utf-8"):
    Path(path).write_text(text, encoding=encoding)
    return path


def refused(loader, *paths, match):
    """The DataError loader raises on paths: one line, naming the file at fault first."""
    with pytest.raises(DataError, match=match) as error:
        loader(*paths)
    message = str(error.value)
    assert "\n" not in message
    assert any(message.startswith(str(path) + ": ") for path in paths), message
    return message


# ---------------------------------------------------------------------------------------------
# The course's cat files


def test_cat_files_load_as_the_course_flattens_them(cat_files):
    train, test = cat_files
    data = load_hdf5(train, test)
    assert data.X.shape == (12288, 209) and data.Y.shape == (1, 209)
    assert data.X_test.shape == (12288, 50) and data.Y_test.shape == (1, 50)
    assert np.array_equal(data.X[:5, 0] * 255, [17, 31, 56, 22, 33])
    assert data.Y.sum() == 72 and data.Y_test.sum() == 33
    assert data.class_names == ("non-cat", "cat")
    assert data.image_shape == (64, 64, 3)
    assert data.name == "train_catvnoncat"
    assert data.source == {"path": str(train), "test_path": str(test)}
    with h5py.File(train, "r") as f:
        x, y = f["train_set_x"][:], f["train_set_y"][:]
    course_X = x.reshape(x.shape[0], -1).T / 255.     # the notebook's own two lines
    assert np.array_equal(data.X, course_X) and data.X.dtype == np.float64
    assert np.array_equal(data.Y, y.reshape(1, -1)) and data.Y.dtype == np.float64


def test_cat_files_through_the_dispatcher(cat_files):
    train, test = cat_files
    both = load_dataset_file(train, test)
    assert both.m == 209 and both.m_test == 50
    alone = load_dataset_file(train)
    assert alone.m == 209 and alone.X_test is None
    test_only = load_dataset_file(test)               # its one pair becomes the training data
    assert test_only.m == 50 and test_only.Y.sum() == 33


def test_truncated_cat_file_is_refused(cat_files, tmp_path):
    whole = cat_files[0].read_bytes()
    for cut in (0, 5, 700, len(whole) // 2, len(whole) - 1):
        path = tmp_path / f"cut{cut}.h5"
        path.write_bytes(whole[:cut])
        refused(load_hdf5, path, match="truncated|not an HDF5 file")


# ---------------------------------------------------------------------------------------------
# Good HDF5 files


def test_points_file_with_train_and_test_pairs(tmp_path):
    x = np.arange(12, dtype=np.float64).reshape(6, 2)
    path = write_h5(tmp_path / "points.h5", train_set_x=x, train_set_y=np.array([0, 1, 1, 0, 1, 0]),
                    test_set_x=x[:3] * 2, test_set_y=np.array([[1, 0, 1]]))
    data = load_hdf5(path)
    assert np.array_equal(data.X, x.T) and data.X.shape == (2, 6)
    assert np.array_equal(data.Y, [[0, 1, 1, 0, 1, 0]])
    assert np.array_equal(data.X_test, (x[:3] * 2).T) and np.array_equal(data.Y_test, [[1, 0, 1]])
    assert data.image_shape is None and data.class_names == ("0", "1")


@pytest.mark.parametrize("y", [
    np.array([0, 1, 1]), np.array([[0, 1, 1]]), np.array([[0], [1], [1]]),
    np.array([False, True, True]), np.array([0.0, 1.0, 1.0], "f4"),
])
def test_labels_in_any_of_the_accepted_layouts(tmp_path, y):
    path = write_h5(tmp_path / "y.h5", train_set_x=np.ones((3, 2)), train_set_y=y)
    data = load_hdf5(path)
    assert data.Y.shape == (1, 3) and data.Y.dtype == np.float64
    assert data.Y.tolist() == [[0.0, 1.0, 1.0]]


def test_grayscale_uint8_images_are_scaled_and_flattened(tmp_path):
    x = np.random.RandomState(0).randint(0, 256, size=(4, 3, 5)).astype(np.uint8)
    path = write_h5(tmp_path / "gray.h5", train_set_x=x, train_set_y=[1, 0, 0, 1])
    data = load_hdf5(path)
    assert data.X.shape == (15, 4) and data.image_shape == (3, 5)
    assert np.array_equal(data.X[:, 2], x[2].ravel() / 255.)


def test_integer_pixels_wider_than_uint8_are_not_rescaled(tmp_path):
    x = np.array([[300, -2], [7, 1000]], dtype=np.int16)
    path = write_h5(tmp_path / "int.h5", train_set_x=x, train_set_y=[0, 1])
    assert load_hdf5(path).X.tolist() == [[300.0, 7.0], [-2.0, 1000.0]]


def test_a_single_pair_with_another_name_and_its_class_names(tmp_path):
    path = write_h5(tmp_path / "mine.hdf5", data_set_x=np.ones((5, 3, 3, 3), np.uint8) * 255,
                    data_set_y=[1, 1, 0, 0, 1], list_classes=np.array([b"dog", b"cat"]))
    data = load_dataset_file(path)
    assert data.X.shape == (27, 5) and (data.X == 1.0).all()
    assert data.class_names == ("dog", "cat") and data.image_shape == (3, 3, 3)


def test_a_separate_test_file_replaces_the_files_own_test_pair(tmp_path):
    train = write_h5(tmp_path / "a.h5", train_set_x=np.zeros((4, 2)), train_set_y=[0, 1, 0, 1],
                     test_set_x=np.zeros((2, 2)), test_set_y=[0, 1])
    test = write_h5(tmp_path / "b.h5", test_set_x=np.ones((3, 2)), test_set_y=[1, 1, 0])
    data = load_hdf5(train, test)
    assert data.m_test == 3 and (data.X_test == 1).all()
    assert data.source["test_path"] == str(test)


def test_a_csv_test_file_beside_an_hdf5_training_file(tmp_path):
    train = write_h5(tmp_path / "train.h5", train_set_x=np.zeros((4, 2)), train_set_y=[0, 1, 0, 1])
    test = write_text(tmp_path / "test.csv", "x1,x2,label\n1,2,1\n3,4,0\n")
    data = load_dataset_file(train, test)
    assert data.X_test.tolist() == [[1.0, 3.0], [2.0, 4.0]] and data.Y_test.tolist() == [[1.0, 0.0]]


def test_the_format_is_sniffed_when_the_extension_says_nothing(tmp_path):
    h5 = write_h5(tmp_path / "points.dat", train_set_x=np.ones((2, 2)), train_set_y=[0, 1])
    text = write_text(tmp_path / "points.data", "1,2,0\n3,4,1\n")
    assert load_dataset_file(h5).m == 2
    assert load_dataset_file(text).X.tolist() == [[1.0, 3.0], [2.0, 4.0]]


# ---------------------------------------------------------------------------------------------
# Bad HDF5 files: each is one clear DataError


def test_missing_file_folder_and_bad_paths(tmp_path):
    refused(load_dataset_file, tmp_path / "nope.h5", match="file not found")
    refused(load_hdf5, tmp_path / "nope.h5", match="file not found")
    refused(load_dataset_file, tmp_path, match="folder")
    refused(load_dataset_file, "bad\0name.h5", match="cannot be read")


def test_a_text_file_named_h5_is_not_hdf5(tmp_path):
    refused(load_hdf5, write_text(tmp_path / "a.h5", "1,2,0\n"), match="not an HDF5 file")
    refused(load_dataset_file, write_text(tmp_path / "b.hdf5", ""), match="not an HDF5 file")


def test_missing_keys_say_what_the_file_holds(tmp_path):
    path = write_h5(tmp_path / "k.h5", features=np.zeros((3, 2)), train_set_x=np.zeros((3, 2)))
    message = refused(load_hdf5, path, match="no train_set_x and train_set_y")
    assert "features" in message and "train_set_x" in message
    empty = write_h5(tmp_path / "empty.h5")
    assert "found nothing" in refused(load_hdf5, empty, match="no train_set_x")


def test_a_test_file_without_a_test_pair(tmp_path):
    train = write_h5(tmp_path / "a.h5", train_set_x=np.zeros((2, 2)), train_set_y=[0, 1])
    test = write_h5(tmp_path / "b.h5", labels=[0, 1])
    refused(load_hdf5, train, test, match="no test_set_x")


def test_several_pairs_without_a_train_pair(tmp_path):
    path = write_h5(tmp_path / "two.h5", a_set_x=np.zeros((2, 2)), a_set_y=[0, 1],
                    b_set_x=np.zeros((2, 2)), b_set_y=[0, 1])
    assert "a, b" in refused(load_hdf5, path, match="holds 2 data sets")


def test_a_group_where_a_dataset_belongs(tmp_path):
    path = tmp_path / "group.h5"
    with h5py.File(path, "w") as f:
        f.create_group("train_set_x")
        f["train_set_y"] = [0, 1]
    refused(load_hdf5, path, match="train_set_x is a group")


@pytest.mark.parametrize("x, word", [
    (np.array([[b"ab", b"cd"]] * 2), "text"),
    (np.array([[1 + 2j, 0], [1, 1]]), "complex"),
    (np.zeros((2, 2), dtype=[("a", "f8"), ("b", "i4")]), "compound"),
    (np.zeros((2, 2), dtype="V4"), "opaque"),
])
def test_non_numeric_dtypes_are_refused(tmp_path, x, word):
    path = write_h5(tmp_path / "dtype.h5", train_set_x=x, train_set_y=[0, 1])
    refused(load_hdf5, path, match=word)


def test_variable_length_strings_are_refused(tmp_path):
    path = tmp_path / "vlen.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("train_set_x", data=[["a", "b"], ["c", "d"]], dtype=h5py.string_dtype())
        f["train_set_y"] = [0, 1]
    refused(load_hdf5, path, match="object")
    with h5py.File(path, "w") as f:
        f["train_set_x"] = np.zeros((2, 2))
        f.create_dataset("train_set_y", data=["0", "1"], dtype=h5py.string_dtype())
    refused(load_hdf5, path, match="train_set_y holds object")


@pytest.mark.parametrize("x, y, match", [
    (np.zeros((0, 2)), np.zeros(0), "0 examples"),
    (np.zeros((0, 4, 4, 3), np.uint8), np.zeros(0), "0 examples"),
    (np.zeros((3, 0)), np.zeros(3), "0 features"),
    (np.zeros((3, 2)), np.zeros(4), "3 examples but train_set_y has 4 labels"),
    (np.zeros((3, 2)), np.zeros((1, 2)), "3 examples but train_set_y has 2"),
    (np.zeros((3, 2)), np.array([0, 2, 1]), r"train_set_y\[1\] = 2: labels must be 0 or 1"),
    (np.zeros((3, 2)), np.array([0, 0.5, 1]), "labels must be 0 or 1"),
    (np.zeros((3, 2)), np.array([0, -1, 1]), "labels must be 0 or 1"),
    (np.zeros((3, 2)), np.array([0, np.nan, 1]), "= nan: labels must be 0 or 1"),
    (np.array([[0, np.nan], [1, 1], [2, 2]]), np.zeros(3), "NaN or infinite"),
    (np.array([[0, np.inf], [1, 1], [2, 2]]), np.zeros(3), "NaN or infinite"),
    (np.array([[0, np.inf], [1, 1]], "f2"), np.zeros(2), "NaN or infinite"),
    (np.zeros(3), np.zeros(3), r"train_set_x has shape \(3,\)"),
    (np.zeros((2, 1, 1, 1, 1)), np.zeros(2), "has shape"),
    (np.float64(1.0), np.zeros(1), r"has shape \(\)"),
    (np.zeros((3, 2)), np.zeros((3, 1, 1)), "train_set_y has shape"),
    (np.zeros((3, 2)), np.zeros((3, 2)), r"train_set_y has shape \(3, 2\); expected \(m,\)"),
])
def test_bad_shapes_counts_and_values(tmp_path, x, y, match):
    path = write_h5(tmp_path / "bad.h5", train_set_x=x, train_set_y=y)
    refused(load_hdf5, path, match=match)


def test_empty_dataspace_is_refused(tmp_path):
    path = tmp_path / "nothing.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("train_set_x", data=h5py.Empty("f8"))
        f["train_set_y"] = [0, 1]
    refused(load_hdf5, path, match="no data space")


def test_feature_counts_must_match_between_train_and_test(tmp_path):
    train = write_h5(tmp_path / "train.h5", train_set_x=np.zeros((2, 3)), train_set_y=[0, 1])
    test = write_h5(tmp_path / "test.h5", test_set_x=np.zeros((2, 4)), test_set_y=[0, 1])
    message = refused(load_hdf5, train, test, match="test examples have 4 features")
    assert "3 features" in message and str(train) in message
    images = write_h5(tmp_path / "img.h5", test_set_x=np.zeros((2, 1, 3), np.uint8),
                      test_set_y=[0, 1])
    refused(load_hdf5, train, images, match="images 1x3")
    csv_test = write_text(tmp_path / "t.csv", "1,2,0\n")
    refused(load_dataset_file, train, csv_test, match="2 features")


def test_a_file_declaring_more_than_fits_in_memory_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.h5"
    with h5py.File(path, "w") as f:      # chunked and never written: a small file, a huge shape
        f.create_dataset("train_set_x", shape=(10**6, 10**6), dtype="u1", chunks=(1, 1000))
        f.create_dataset("train_set_y", shape=(10**6,), dtype="u1", chunks=(1000,))
    assert path.stat().st_size < 100_000
    message = refused(load_hdf5, path, match="GiB as float64")
    assert "(1000000, 1000000)" in message
    with h5py.File(path, "w") as f:
        f["train_set_x"] = np.zeros((10, 2))
        f.create_dataset("train_set_y", shape=(10, 10**9), dtype="u1", chunks=(1, 1000))
    refused(load_hdf5, path, match="train_set_y of shape")


def test_the_memory_budget_is_at_most_4_gib_and_is_enforced(tmp_path, monkeypatch):
    assert 0 < MAX_DATA_BYTES <= 4 * 2**30
    path = write_h5(tmp_path / "small.h5", train_set_x=np.zeros((100, 10)),
                    train_set_y=np.zeros(100))
    monkeypatch.setattr(data_files, "MAX_DATA_BYTES", 7999)          # 100 x 10 float64 is 8000
    refused(load_hdf5, path, match="more than")
    monkeypatch.setattr(data_files, "MAX_DATA_BYTES", 8000)
    assert load_hdf5(path).X.shape == (10, 100)


def test_a_file_failing_halfway_through_a_read_is_refused(tmp_path):
    path = tmp_path / "damaged.h5"
    with h5py.File(path, "w") as f:
        x = f.create_dataset("train_set_x", data=np.random.RandomState(0).rand(50, 20),
                             chunks=(10, 20), compression="gzip")
        f["train_set_y"] = np.zeros(50)
        offset = x.id.get_chunk_info(3).byte_offset
    damaged = bytearray(path.read_bytes())
    damaged[offset:offset + 40] = b"\xff" * 40          # the fourth chunk no longer inflates
    path.write_bytes(bytes(damaged))
    refused(load_hdf5, path, match="damaged or truncated")


def test_a_malformed_list_classes_is_ignored(tmp_path):
    path = write_h5(tmp_path / "names.h5", train_set_x=np.zeros((2, 2)), train_set_y=[0, 1],
                    list_classes=np.array([b"a", b"b", b"c"]))
    assert load_hdf5(path).class_names == ("0", "1")


# ---------------------------------------------------------------------------------------------
# CSV


def test_csv_with_a_header(tmp_path):
    path = write_text(tmp_path / "p.csv", "x1,x2,label\n0.5,-1,1\n2,3e-1,0\n")
    data = load_csv(path)
    assert data.X.tolist() == [[0.5, 2.0], [-1.0, 0.3]] and data.Y.tolist() == [[1.0, 0.0]]
    assert data.X.dtype == np.float64 and data.name == "p" and data.image_shape is None
    assert data.source == {"path": str(path), "test_path": None} and data.X_test is None


def test_csv_without_a_header_with_blank_lines_and_more_features(tmp_path):
    path = write_text(tmp_path / "p.csv", "\n1, 2, 3, 0\n\n   \n4,5,6,1\r\n7,8,9,1\n\n")
    data = load_csv(path)
    assert data.X.shape == (3, 3) and data.X[:, 2].tolist() == [7.0, 8.0, 9.0]
    assert data.Y.tolist() == [[0.0, 1.0, 1.0]]


def test_csv_separated_by_semicolons_tabs_or_spaces_and_with_a_bom(tmp_path):
    expected = [[1.0, 3.0], [2.0, 4.0]]
    for name, text in [("semi.csv", "1;2;0\n3;4;1\n"), ("tab.txt", "1\t2\t0\n3\t4\t1\n"),
                       ("bom.csv", "\ufeffx,y,label\n1,2,0\n3,4,1\n")]:
        assert load_csv(write_text(tmp_path / name, text)).X.tolist() == expected
    path = tmp_path / "savetxt.txt"
    np.savetxt(path, np.array([[1, 2, 0], [3, 4, 1]]))
    assert load_dataset_file(path).X.tolist() == expected
    spaced = write_text(tmp_path / "spaces.txt", "  1   2  0 \n3 4 1\n")
    assert load_dataset_file(spaced).Y.tolist() == [[0.0, 1.0]]


@pytest.mark.parametrize("text, message", [
    ("x1,x2,label\n1,2,0\n1,abc,1\n", "line 3: column 2 ('abc') is not a number"),
    ("1,2,0\n1,,1\n", "line 2: column 2 (empty) is not a number"),
    ("1,2,0\n1,2\n", "line 2 has 2 columns but line 1 has 3"),
    ("a,b,c\n1,2,0,1\n", "line 2 has 4 columns but line 1 has 3"),
    ("1,2,0\n1,2,2\n", "line 2: the label (last column) is '2', it must be 0 or 1"),
    ("1,2,0\n1,2,0.5\n", "is '0.5', it must be 0 or 1"),
    ("1,2,nan\n", "is 'nan', it must be 0 or 1"),
    ("1,nan,0\n", "line 1: features must be finite numbers, found 1, nan"),
    ("\n\ninf,2,1\n", "line 3: features must be finite"),
    ("", "holds no examples"),
    ("\n\n  \n", "holds no examples"),
    ("x1,x2,label\n", "holds no examples"),
    ("1\n0\n", "needs at least 2 columns"),
    ("label\n1\n", "needs at least 2 columns"),
    ("x,y,label\nx,y,label\n", "line 2: column 1 ('x') is not a number"),
])
def test_bad_csv_files(tmp_path, text, message):
    path = write_text(tmp_path / "bad.csv", text)
    refused(load_csv, path, match=re.escape(message))


def test_csv_that_is_not_text(tmp_path):
    path = tmp_path / "binary.csv"
    path.write_bytes(b"\xff\xfe\x00\x81garbage\x00")
    refused(load_csv, path, match="not a text file")
    nul = tmp_path / "nul.csv"
    nul.write_bytes(b"1,2,0\n1,\x002,1\n")
    refused(load_csv, nul, match="cannot be read as CSV|not a number")


def test_csv_larger_than_the_limit_is_refused_before_reading(tmp_path, monkeypatch):
    sparse = tmp_path / "big.csv"
    with open(sparse, "wb") as f:            # a sparse file: large on paper, nothing on disk
        f.truncate(MAX_CSV_BYTES + 1)
    refused(load_csv, sparse, match="is 256.0 MiB; CSV files of at most 256.0 MiB")
    small = write_text(tmp_path / "small.csv", "1,2,0\n" * 10)
    monkeypatch.setattr(data_files, "MAX_CSV_BYTES", 59)
    refused(load_csv, small, match="at most")
    monkeypatch.setattr(data_files, "MAX_CSV_BYTES", 60)
    assert load_csv(small).m == 10


# ---------------------------------------------------------------------------------------------
# Fuzz: random malformed files never let anything but DataError escape


DTYPES = ["u1", "i8", "f8", "f4", "f2", ">f8", "?", "c16", "S3", "V2", "compound", "vlen", "group"]
MUTATIONS = ["none", "drop", "dtype", "shape", "nan", "label", "rename", "extra"]
CELLS = ["0", "1", "2", "0.5", "-3", "1e3", "nan", "inf", "", "abc", " 1 ", "x1", "1,5", "\x00",
         "\xff", '"1"', "1e400"]


def _fuzz_array(dtype, shape, rng, fill):
    """A random array of a (perhaps unusable) dtype, or None for a group."""
    if dtype == "group":
        return None
    if dtype == "vlen":
        return np.full(shape, "0", dtype=object)
    if dtype == "compound":
        return np.zeros(shape, dtype=[("a", "f8"), ("b", "i2")])
    if dtype in ("S3", "V2"):
        return np.zeros(shape, dtype=dtype)
    values = rng.randint(0, 2, size=shape) if fill == "binary" else rng.randint(-3, 300, size=shape)
    return np.asarray(values).astype(dtype)


@st.composite
def hdf5_entries(draw, rng):
    """{name: array or None (a group)}: a plausible train (and test) pair, then a few mutations."""
    m, n_test = draw(st.integers(1, 5)), draw(st.integers(1, 4))
    feature_shape = draw(st.sampled_from([(2,), (3,), (2, 2), (2, 2, 3), (1, 2, 1)]))
    x_dtype = draw(st.sampled_from(["u1", "f8", "f4", "i8", "?"]))
    entries = {"train_set_x": _fuzz_array(x_dtype, (m,) + feature_shape, rng, "any"),
               "train_set_y": _fuzz_array("i8", draw(st.sampled_from([(m,), (1, m), (m, 1)])), rng,
                                          "binary")}
    if draw(st.booleans()):
        entries["test_set_x"] = _fuzz_array(x_dtype, (n_test,) + feature_shape, rng, "any")
        entries["test_set_y"] = _fuzz_array("f8", (n_test,), rng, "binary")
    if draw(st.booleans()):
        entries["list_classes"] = np.array([b"no", b"yes", b"maybe"][:draw(st.integers(0, 3))])
    for mutation in draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=3)):
        if not entries:
            break
        key = draw(st.sampled_from(sorted(entries)))
        if mutation == "drop":
            del entries[key]
        elif mutation == "dtype":
            shape = np.shape(entries[key]) if entries[key] is not None else (m,)
            entries[key] = _fuzz_array(draw(st.sampled_from(DTYPES)), shape, rng, "binary")
        elif mutation == "shape":
            shape = tuple(draw(st.lists(st.integers(0, 4), max_size=5)))
            entries[key] = _fuzz_array("f8", shape, rng, "binary")
        elif mutation in ("nan", "label") and _is_numeric(entries[key]) and np.size(entries[key]):
            changed = np.array(entries[key], dtype="f8")
            where = draw(st.integers(0, changed.size - 1))
            changed.flat[where] = np.nan if mutation == "nan" else 2
            entries[key] = changed
        elif mutation == "rename":
            entries[draw(st.sampled_from(["data_set_x", "data_set_y", "other", "a_set_x"]))] = \
                entries.pop(key)
        elif mutation == "extra":
            entries["b_set_" + draw(st.sampled_from("xy"))] = entries[key]
    return entries


def _is_numeric(value):
    return value is not None and value.dtype.kind in "biuf"


def _write_fuzz_hdf5(path, entries):
    with h5py.File(path, "w") as f:
        for key, value in entries.items():
            if value is None:
                f.create_group(key)
            elif value.dtype == object:
                f.create_dataset(key, data=value, dtype=h5py.string_dtype())
            else:
                f.create_dataset(key, data=value)


@st.composite
def csv_text(draw, rng):
    """A plausible table (maybe with a header), then cells replaced, rows cut short or blank."""
    width, m = draw(st.integers(1, 4)), draw(st.integers(1, 6))
    rows = [[f"{v:.3g}" for v in rng.randn(width - 1)] + [str(rng.randint(0, 2))] for _ in range(m)]
    if draw(st.booleans()):
        rows.insert(0, [f"x{k}" for k in range(1, width)] + ["label"])
    for _ in range(draw(st.integers(0, 3))):
        row = rows[draw(st.integers(0, len(rows) - 1))] if rows else []
        if row:
            change = draw(st.sampled_from(["cell", "cut", "blank"]))
            if change == "cell":
                row[draw(st.integers(0, len(row) - 1))] = draw(st.sampled_from(CELLS))
            elif change == "cut":
                del row[-1]
            else:
                row.clear()
    sep = draw(st.sampled_from([",", ";", "\t", " "]))
    return "\n".join(sep.join(row) for row in rows).encode("utf-8")


@st.composite
def malformed_files(draw):
    """(file name, bytes) of a random HDF5 file, CSV table or garbage, perhaps truncated."""
    kind = draw(st.sampled_from(["hdf5", "hdf5", "hdf5", "csv", "csv", "garbage"]))
    suffix = draw(st.sampled_from({"hdf5": [".h5", ".h5", ".hdf5", ".dat", ".csv"],
                                   "csv": [".csv", ".csv", ".txt", ".dat", ".h5"],
                                   "garbage": [".h5", ".csv", ".txt", ".dat"]}[kind]))
    rng = np.random.RandomState(draw(st.integers(0, 2**32 - 1)))
    if kind == "hdf5":
        entries = draw(hdf5_entries(rng))
        with tempfile.TemporaryDirectory() as scratch:
            path = Path(scratch) / "f.h5"
            _write_fuzz_hdf5(path, entries)
            content = path.read_bytes()
    elif kind == "csv":
        content = draw(csv_text(rng))
    else:
        content = draw(st.binary(max_size=300))
        if draw(st.booleans()):
            content = data_files.HDF5_SIGNATURE + content
    if draw(st.integers(0, 4)) == 0 and content:
        content = content[:draw(st.integers(0, len(content) - 1))]      # truncated
    return "fuzz" + suffix, content


FUZZ_COUNT = {"files": 0, "loaded": 0}


@settings(max_examples=520, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(malformed_files(), st.booleans())
def _fuzz_one(file, as_test_file):
    name, content = file
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        FUZZ_COUNT["files"] += 1
        try:
            data = load_dataset_file(path, path if as_test_file else None)
        except DataError as error:
            assert str(error).startswith(str(path)) and "\n" not in str(error)
            return
    FUZZ_COUNT["loaded"] += 1
    for X, Y in [(data.X, data.Y), (data.X_test, data.Y_test)]:
        if X is None:
            continue
        n, m = X.shape
        assert X.shape == (n, m) and Y.shape == (1, m) and n >= 1 and m >= 1
        assert X.dtype == np.float64 and Y.dtype == np.float64
        assert np.isfinite(X).all() and set(np.unique(Y)) <= {0.0, 1.0}


def test_random_malformed_files_raise_only_data_error():
    FUZZ_COUNT.update(files=0, loaded=0)
    _fuzz_one()
    assert FUZZ_COUNT["files"] >= 500          # issue 7: at least 500 generated files
    assert FUZZ_COUNT["loaded"] > 0          # the fuzzer also reaches the successful path
