"""The error types the engine raises for bad input.

Every message is written for the person at the keyboard: it names the file, option or value
that is wrong and what would be right, in one line. The CLI prints it as it is; the GUI shows it
in a message box. Anything else escaping from core/ is a bug.
"""


class DeepStepError(Exception):
    """Base class: bad input a user can act on (never a bug in DeepStep)."""


class ConfigError(DeepStepError, ValueError):
    """An architecture or hyperparameter that cannot be used (0 units, a NaN learning rate, ...)."""


class DataError(DeepStepError, ValueError):
    """A data set that cannot be used: unreadable, malformed, wrong shapes, bad labels, too big."""


class ModelFileError(DeepStepError, ValueError):
    """A model or session file that cannot be loaded: unreadable, malformed, or for another network."""
