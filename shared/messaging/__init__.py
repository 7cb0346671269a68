"""In-process feeds, checkpoints and (distributed) Kafka glue."""
