"""Test settings shared by tests/core and tests/gui."""
import os

# Before anything can import Qt: tests never open a real window.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
