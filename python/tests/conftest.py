"""Test setup: import the package from this checkout (python/), and the mail server
environment (WD_TEST_*) for the server tests."""

import os
import sys

import pytest

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(PYTHON_DIR)
sys.path.insert(0, PYTHON_DIR)


def server_env():
    """The WD_TEST_* settings, or a skip (a failure with WD_REQUIRE_SERVERS=1)."""
    if not os.environ.get("WD_TEST_HOST"):
        reason = "WD_TEST_HOST not set: run eval \"$(scripts/mailservers env)\" for server tests"
        if os.environ.get("WD_REQUIRE_SERVERS") == "1":
            pytest.fail("WD_REQUIRE_SERVERS=1 but " + reason)
        pytest.skip(reason)
    return os.environ


@pytest.fixture
def env():
    return server_env()
