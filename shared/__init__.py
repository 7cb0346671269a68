"""Shared by every service: the event language, the event store, messaging, the service kernel."""
