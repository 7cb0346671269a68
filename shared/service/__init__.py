"""The kernel every service uses: deciders, repository, policies, projections."""
