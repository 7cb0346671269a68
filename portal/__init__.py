"""The web portal."""
