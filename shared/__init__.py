"""Code shared by every service: the event language, the event store, messaging and the service kernel."""
