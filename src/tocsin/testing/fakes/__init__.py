"""Fakes of the systems Tocsin talks to, for tests, demos and benchmarks."""
