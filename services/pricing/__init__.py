"""The pricing service."""
