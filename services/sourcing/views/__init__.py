"""The sourcing service's read models."""
