"""Composition roots: the embedded runner, the distributed runner and the b2b CLI."""
