"""The app's and the core's version: one place, read by `--version`, the packaging scripts
and every printed record."""

__version__ = "0.1.0"
