"""CRS Bedside Calculator desktop app (PySide6): views and controllers over the core."""
