"""Reading data sets from files: the course's HDF5 layout, and simple CSV tables.

HDF5, as in the course's train_catvnoncat.h5 / test_catvnoncat.h5: a dataset `<prefix>_set_x` with
the examples first, (m, h, w, c) images, (m, h, w) grayscale images or (m, features) rows, and
`<prefix>_set_y` with the m labels 0/1, shaped (m,), (1, m) or (m, 1); an optional `list_classes`
names label 0 and label 1. The course's conversion is kept exactly: X = x.reshape(m, -1).T, and
divided by 255. when the pixels are uint8, so X is (n[0], m) with one column per example.

CSV: one example per row, the features then the label (x1, x2, label); an optional header row;
blank lines skipped; separated by commas (or semicolons, tabs or spaces, as np.savetxt writes).

Every problem is a DataError whose one-line message starts with the file's path. Sizes are checked
before any data is read, so a file declaring a huge array is refused instead of exhausting memory.
"""
from __future__ import annotations

import csv
import math
import os
import stat
from array import array
from pathlib import Path
from typing import NamedTuple

import h5py
import numpy as np

from .dataset import DataSet
from .errors import DataError

GiB = 2**30
MAX_CSV_BYTES = 256 * 2**20
HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
HDF5_SUFFIXES = (".h5", ".hdf5", ".hdf", ".he5")
CSV_SUFFIXES = (".csv", ".txt")
X_NDIMS = (2, 3, 4)      # (m, features), (m, h, w), (m, h, w, c)
NUMBER_KINDS = "biuf"    # numpy dtype kinds DeepStep can learn from: bool, int, uint, float
KIND_WORDS = {"S": "text", "U": "text", "O": "object (e.g. variable-length text)",
              "V": "compound or opaque", "c": "complex", "M": "date", "m": "time"}


def _memory_budget() -> int:
    """Half of physical memory, at most 4 GiB: room left for the copies training makes."""
    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):    # no sysconf (Windows) or no such name
        return 4 * GiB
    return min(4 * GiB, physical // 2) if physical > 0 else 4 * GiB


MAX_DATA_BYTES = _memory_budget()   # the most float64 data one array may take once loaded


class _Part(NamedTuple):
    """One X/Y pair read from a file, already in the course's layout."""
    X: np.ndarray                        # (n[0], m) float64
    Y: np.ndarray                        # (1, m) float64 of 0.0/1.0
    image_shape: tuple[int, ...] | None
    class_names: tuple[str, str] | None


# ---------------------------------------------------------------------------------------------
# Public readers


def load_dataset_file(path, test_path=None) -> DataSet:
    """A data set from an HDF5 or CSV file (by extension, else by the HDF5 signature).

    An HDF5 file holding both train_set_* and test_set_* gives both parts; `test_path`, when
    given, supplies the test part instead (HDF5 or CSV) and must have the same features.
    """
    parts = _read_any(path, "train")
    test = _read_any(test_path, "test")[0] if test_path is not None else _test_part(parts)
    return _build(path, test_path, parts[0], test)


def load_hdf5(path, test_path=None) -> DataSet:
    """A data set from course-layout HDF5: train_set_x/train_set_y (or the file's one pair),
    with the test part from the same file or from `test_path` (test_set_x/test_set_y)."""
    parts = _read_hdf5(path, "train")
    test = _read_hdf5(test_path, "test")[0] if test_path is not None else _test_part(parts)
    return _build(path, test_path, parts[0], test)


def load_csv(path) -> DataSet:
    """A data set from a CSV table: one example per row, features then the 0/1 label."""
    return _build(path, None, _read_csv(path), None)


def _read_any(path, role) -> list[_Part]:
    if _is_hdf5(path):
        return _read_hdf5(path, role)
    return [_read_csv(path)]


def _test_part(parts):
    return parts[1] if len(parts) > 1 else None


def _build(path, test_path, train: _Part, test: _Part | None) -> DataSet:
    """The DataSet, once the test part is known to match the training part's features."""
    if test is not None and (test.X.shape[0] != train.X.shape[0]
                             or test.image_shape != train.image_shape):
        raise _error(test_path or path,
                     f"test examples have {_describe_features(test)} but the training examples "
                     f"in {path} have {_describe_features(train)}")
    class_names = train.class_names or (test and test.class_names) or ("0", "1")
    return DataSet(
        X=train.X, Y=train.Y,
        X_test=None if test is None else test.X,
        Y_test=None if test is None else test.Y,
        name=Path(path).stem,
        image_shape=train.image_shape,
        class_names=class_names,
        source={"path": str(path), "test_path": None if test_path is None else str(test_path)},
    )


def _describe_features(part: _Part) -> str:
    n = part.X.shape[0]
    if part.image_shape:
        return f"{n} features (images {'x'.join(map(str, part.image_shape))})"
    return f"{n} features"


# ---------------------------------------------------------------------------------------------
# HDF5


def _read_hdf5(path, role) -> list[_Part]:
    """The pairs a course-layout file holds for `role` ("train": train, then test if present)."""
    _check_is_file(path)
    try:
        f = h5py.File(path, "r")
    except Exception as e:    # h5py reports a non-HDF5 or truncated file as OSError, others vary
        raise _error(path, _open_failure(_reason(e))) from None
    try:
        with f:
            prefixes = _choose_pairs(path, f, role)
            # Every header is checked before any data is read: a bad test pair costs nothing.
            headers = [_pair_header(path, f, prefix) for prefix in prefixes]
            names = _class_names(f)
            return [_read_pair(path, x_set, y_set, names) for x_set, y_set in headers]
    except DataError:
        raise
    except MemoryError:
        raise _error(path, "does not fit in memory") from None
    except Exception as e:    # a damaged file can fail anywhere, even halfway through a read
        raise _error(path, f"is damaged or truncated ({_reason(e)})") from None


def _open_failure(reason: str) -> str:
    """What went wrong opening a file, in the user's words first, HDF5's after."""
    if "signature not found" in reason:
        return "is not an HDF5 file (no HDF5 signature at its start)"
    if "truncated" in reason:
        return f"is truncated: it is shorter than its header says ({reason})"
    return f"cannot be opened as HDF5 ({reason})"


def _choose_pairs(path, f, role) -> list[str]:
    """The prefixes to read: the role's own pair ('train' or 'test'), else the file's only pair."""
    keys = list(f.keys())
    present = set(keys)
    pairs = sorted(k[:-len("_set_x")] for k in keys
                   if k.endswith("_set_x") and k[:-len("_set_x")] + "_set_y" in present)
    if role in pairs:
        chosen = [role]
    elif len(pairs) == 1:
        chosen = pairs
    elif not pairs:
        raise _error(path, f"has no {role}_set_x and {role}_set_y datasets "
                           f"(found {_list_keys(keys)})")
    else:
        raise _error(path, f"holds {len(pairs)} data sets ({', '.join(pairs)}) and none named "
                           f"{role}_set_x/{role}_set_y: say which is the {role}ing data")
    if role == "train" and chosen == ["train"] and "test" in pairs:
        chosen.append("test")
    return chosen


def _pair_header(path, f, prefix):
    """The x and y datasets of one pair, checked for kind, shape and size without reading them."""
    x_name, y_name = f"{prefix}_set_x", f"{prefix}_set_y"
    x_set, y_set = _get_dataset(path, f, x_name), _get_dataset(path, f, y_name)
    x_shape = _checked_shape(path, x_name, x_set, X_NDIMS, "(examples, features) or images "
                             "(examples, height, width[, channels])")
    y_shape = _checked_shape(path, y_name, y_set, (1, 2), "(m,), (1, m) or (m, 1)")
    m = x_shape[0]
    if m == 0:
        raise _error(path, f"{x_name} holds 0 examples")
    if math.prod(x_shape[1:]) == 0:
        raise _error(path, f"{x_name} has 0 features per example (shape {x_shape})")
    m_y = _label_count(path, y_name, y_shape)
    if m_y != m:
        raise _error(path, f"{x_name} has {m} examples but {y_name} has {m_y} labels")
    return x_set, y_set


def _get_dataset(path, f, name):
    obj = f.get(name)
    if isinstance(obj, h5py.Group):
        raise _error(path, f"{name} is a group, not a dataset")
    if not isinstance(obj, h5py.Dataset):
        raise _error(path, f"{name} is not a dataset")
    return obj


def _checked_shape(path, name, dset, ndims, expected) -> tuple[int, ...]:
    """dset's shape once its dtype is numeric, its rank one of `ndims` and its size affordable."""
    dtype = dset.dtype
    if dtype.kind not in NUMBER_KINDS:
        word = KIND_WORDS.get(dtype.kind, "non-numeric")
        raise _error(path, f"{name} holds {word} values ({dtype}); numbers are needed")
    shape = dset.shape
    if shape is None:
        raise _error(path, f"{name} is empty (it has no data space)")
    if len(shape) not in ndims:
        raise _error(path, f"{name} has shape {shape}; expected {expected}")
    nbytes = math.prod(shape) * 8    # as float64, the layout training uses
    if nbytes > MAX_DATA_BYTES:
        raise _error(path, f"{name} of shape {shape} needs {_size(nbytes)} as float64, "
                           f"more than the {_size(MAX_DATA_BYTES)} DeepStep allows")
    return shape


def _label_count(path, name, shape) -> int:
    """m for labels shaped (m,), (1, m) or (m, 1)."""
    if len(shape) == 1:
        return shape[0]
    if shape[0] == 1:
        return shape[1]
    if shape[1] == 1:
        return shape[0]
    raise _error(path, f"{name} has shape {shape}; expected (m,), (1, m) or (m, 1)")


def _read_pair(path, x_set, y_set, class_names) -> _Part:
    """Read and convert one pair to the course's X (n[0], m) and Y (1, m)."""
    x = x_set[()]
    m = x.shape[0]
    X = x.reshape(m, -1).T                 # one column per example, each flattened in C order
    X = X / 255. if x.dtype == np.uint8 else X.astype(np.float64)   # the course's scaling
    if not np.isfinite(X).all():
        raise _error(path, f"{x_set.name.lstrip('/')} contains NaN or infinite values")
    Y = np.asarray(y_set[()], dtype=np.float64).reshape(1, m)
    _check_labels(path, y_set.name.lstrip("/"), Y)
    image_shape = tuple(int(n) for n in x.shape[1:]) if x.ndim >= 3 else None
    return _Part(X, Y, image_shape, class_names)


def _check_labels(path, name, Y):
    not_binary = ~((Y == 0) | (Y == 1))
    if not_binary.any():
        i = int(np.argmax(not_binary))
        raise _error(path, f"{name}[{i}] = {Y.flat[i]:g}: labels must be 0 or 1")


def _class_names(f) -> tuple[str, str] | None:
    """The names in list_classes when it holds exactly two strings; it is optional, so anything
    else there is ignored rather than refused."""
    obj = f.get("list_classes")
    if not isinstance(obj, h5py.Dataset) or obj.shape != (2,) or obj.dtype.kind not in "SUO":
        return None
    names = [n.decode("utf-8", "replace") if isinstance(n, bytes) else n for n in obj[()]]
    if not all(isinstance(n, str) for n in names):
        return None
    return names[0], names[1]


def _list_keys(keys) -> str:
    if not keys:
        return "nothing"
    shown = ", ".join(keys[:8])
    return shown + (f" and {len(keys) - 8} more" if len(keys) > 8 else "")


def _is_hdf5(path) -> bool:
    """HDF5 by extension (.h5, .hdf5, ...), CSV by extension (.csv, .txt), else by signature."""
    _check_is_file(path)
    suffix = Path(path).suffix.lower()
    if suffix in HDF5_SUFFIXES or suffix in CSV_SUFFIXES:
        return suffix in HDF5_SUFFIXES
    try:
        with open(path, "rb") as f:
            return f.read(len(HDF5_SIGNATURE)) == HDF5_SIGNATURE
    except OSError as e:
        raise _error(path, f"cannot be read ({_reason(e)})") from None


# ---------------------------------------------------------------------------------------------
# CSV


def _read_csv(path) -> _Part:
    size = _check_is_file(path).st_size
    if size > MAX_CSV_BYTES:
        raise _error(path, f"is {_size(size)}; CSV files of at most {_size(MAX_CSV_BYTES)} "
                           f"can be loaded (HDF5 suits large data)")
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:   # -sig: drop Excel's BOM
            return _parse_csv(path, f)
    except DataError:
        raise
    except UnicodeDecodeError:
        raise _error(path, "is not a text file (it is not UTF-8); CSV needs x1, x2, label rows") \
            from None
    except MemoryError:
        raise _error(path, "does not fit in memory") from None
    except (OSError, csv.Error) as e:
        raise _error(path, f"cannot be read as CSV ({_reason(e)})") from None


def _parse_csv(path, f) -> _Part:
    """Rows of numbers, features then label, into X (n, m) and Y (1, m)."""
    delimiter = _guess_delimiter(f)
    reader = csv.reader(f, delimiter=delimiter, skipinitialspace=True)
    values = array("d")              # 8 bytes a number, not a Python float object each
    max_values = MAX_DATA_BYTES // 8
    width = None                     # columns, fixed by the header or the first row
    width_line = None
    for row in reader:
        cells = [cell.strip() for cell in row]
        if delimiter == " ":         # runs of spaces separate, as np.savetxt's output
            cells = [cell for cell in cells if cell]
        if not any(cells):
            continue                 # a blank line
        line = reader.line_num
        numbers = _numbers(cells)
        if numbers is None and width is None:
            width, width_line = len(cells), line   # the first row is a header
            continue
        if width is None:
            width, width_line = len(cells), line
        if len(cells) != width:
            raise _error(path, f"line {line} has {len(cells)} columns but line {width_line} "
                               f"has {width}")
        if numbers is None:
            raise _error(path, f"line {line}: {_first_non_number(cells)} is not a number")
        _check_row(path, line, numbers, cells)
        values.extend(numbers)
        if len(values) > max_values:
            raise _error(path, f"holds more than {_size(MAX_DATA_BYTES)} of numbers")
    if width is not None and width < 2:
        raise _error(path, "needs at least 2 columns: the features, then the label")
    if not values:
        raise _error(path, "holds no examples: expected rows of x1, x2, label")
    data = np.frombuffer(values, dtype=np.float64).reshape(-1, width)
    X = np.ascontiguousarray(data[:, :-1].T)     # (n, m): one column per example
    Y = data[:, -1].reshape(1, -1).copy()
    return _Part(X, Y, None, None)


def _guess_delimiter(f) -> str:
    """The separator of the first non-blank line: comma, semicolon, tab, else spaces."""
    first = ""
    while not first.strip():
        first = f.readline()
        if not first:
            break
    f.seek(0)
    for delimiter in (",", ";", "\t"):
        if delimiter in first:
            return delimiter
    return " "


def _numbers(cells) -> list[float] | None:
    try:
        return [float(cell) for cell in cells]
    except ValueError:
        return None


def _first_non_number(cells) -> str:
    for k, cell in enumerate(cells, start=1):
        try:
            float(cell)
        except ValueError:
            text = repr(cell) if len(cell) <= 20 else repr(cell[:20]) + "..."
            return f"column {k} ({text})" if cell else f"column {k} (empty)"
    return "a cell"


def _check_row(path, line, numbers, cells):
    width = len(cells)
    if width < 2:
        raise _error(path, "needs at least 2 columns: the features, then the label")
    if not all(math.isfinite(x) for x in numbers[:-1]):
        raise _error(path, f"line {line}: features must be finite numbers, "
                           f"found {', '.join(cells[:-1])[:60]}")
    if numbers[-1] not in (0.0, 1.0):
        raise _error(path, f"line {line}: the label (last column) is {cells[-1][:20]!r}, "
                           f"it must be 0 or 1")


# ---------------------------------------------------------------------------------------------
# Shared checks


def _check_is_file(path) -> os.stat_result:
    """path's status, or a DataError unless it names an existing regular file."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise _error(path, "file not found") from None
    except (OSError, TypeError, ValueError) as e:     # permission, a bad path, a NUL in the name
        raise _error(path, f"cannot be read ({_reason(e)})") from None
    if stat.S_ISDIR(info.st_mode):
        raise _error(path, "is a folder, not a data file")
    if not stat.S_ISREG(info.st_mode):
        raise _error(path, "is not a regular file")
    return info


def _error(path, text) -> DataError:
    """One line, starting with the file: what the CLI prints and the GUI's message box shows."""
    return DataError(f"{path}: {text}".replace("\r", " ").replace("\n", " "))


def _size(nbytes: int) -> str:
    """A byte count as people say it: 7450.6 GiB, 256.0 MiB, 59 bytes."""
    for unit, scale in (("GiB", GiB), ("MiB", 2**20), ("KiB", 2**10)):
        if nbytes >= scale:
            return f"{nbytes / scale:.1f} {unit}"
    return f"{nbytes} bytes"


def _reason(e: BaseException) -> str:
    text = " ".join(str(e).split()) or type(e).__name__
    return text if len(text) <= 200 else text[:200] + "..."
