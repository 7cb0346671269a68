"""The order service's read models."""
