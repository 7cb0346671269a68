"""Kafka glue for the distributed mode: outbox relay, topic feeds for consumers, dead letters."""
