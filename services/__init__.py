"""The five services; none imports another."""
