"""The built-in sample estate: moto emulation, builders shared with tests and the benchmark."""
