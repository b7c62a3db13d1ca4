import importlib.util

import pytest

HAVE_SYMENGINE = importlib.util.find_spec("symengine") is not None
BACKENDS = ["sympy", "symengine"] if HAVE_SYMENGINE else ["sympy"]


def pytest_generate_tests(metafunc):
    explicit = any("backend" in str(m.args[0]) for m in metafunc.definition.iter_markers("parametrize"))
    if "backend" in metafunc.fixturenames and not explicit:
        metafunc.parametrize("backend", BACKENDS)


@pytest.fixture
def fast_backend():
    """The fastest available backend, for tests whose subject is not the backend."""
    return "symengine" if HAVE_SYMENGINE else "sympy"
