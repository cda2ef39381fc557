"""Roster's version, in one place: ``pyproject.toml`` reads it (setuptools dynamic), the
published index names it, and the validation verdicts and kept listings are keyed on it.

A module of its own, importing nothing, so that modules deep in the library can name the
version without importing the package ``roster`` (whose lazy names reach back into them).
"""
__version__ = "0.2.0"
