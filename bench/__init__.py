"""The apigw-audit benchmark: AWS calls against their floor, and pytest against bare pytest.

``python -m bench run --size small|medium|large|xl`` (see bench/README.md). Not a test suite:
CI runs only ``tests_unit/test_bench_smoke.py``, which asserts the exact call count.
"""
