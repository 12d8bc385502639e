"""The performance benchmark: `make bench` (see README, "Performance benchmark")."""
