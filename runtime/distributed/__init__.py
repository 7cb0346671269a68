"""Distributed mode: one process per service on PostgreSQL, connected by Kafka."""
