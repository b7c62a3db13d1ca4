"""check_implementation: a user's own NumPy backward, run on symbols, proved entry by entry.

The implementations below are written as students write them. Each correct one is also
cross-checked numerically in the test (central finite differences of an independent float
forward pass): that checks the test, never a verdict.
"""
import json
import sys
from pathlib import Path

import numpy as np
import pytest

import backprop_sym
from backprop_sym import check_implementation
from support import ROOT


# ---------------------------------------------------------------- activations, as written

def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def sigmoid_prime(z):
    return sigmoid(z) * (1 - sigmoid(z))


ACT = {
    "sigmoid": (sigmoid, sigmoid_prime),
    "sigmoid-float": (lambda z: 1.0 / (1.0 + np.exp(-z)),
                      lambda z: np.exp(-z) / (1.0 + np.exp(-z)) ** 2),
    "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    "softplus": (lambda z: np.log1p(np.exp(z)), lambda z: 1 / (1 + np.exp(-z))),
    "softplus-log": (lambda z: np.log(1 + np.exp(z)), lambda z: np.exp(z) / (1 + np.exp(z))),
    "linear": (lambda z: z, lambda z: np.ones_like(z)),
}
ENGINE_NAME = {"sigmoid-float": "sigmoid", "softplus-log": "softplus"}

FLOAT = {"sigmoid": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh,
         "softplus": lambda z: np.logaddexp(0, z), "linear": lambda z: z, "f": np.sin}


# ---------------------------------------------------------------- correct implementations

def nielsen(weights, biases, x, y):
    """Nielsen's network.py backprop, one example at a time, averaged (to-from)."""
    nabla_b = [np.zeros(b.shape) for b in biases]
    nabla_w = [np.zeros(w.shape) for w in weights]
    N = x.shape[1]
    for s in range(N):
        activation = x[:, [s]]
        activations, zs = [activation], []
        for b, w in zip(biases, weights):
            z = np.dot(w, activation) + b
            zs.append(z)
            activation = sigmoid(z)
            activations.append(activation)
        delta = (activations[-1] - y[:, [s]]) * sigmoid_prime(zs[-1])
        nabla_b[-1] = nabla_b[-1] + delta
        nabla_w[-1] = nabla_w[-1] + np.dot(delta, activations[-2].transpose())
        for l in range(2, len(weights) + 1):
            sp = sigmoid_prime(zs[-l])
            delta = np.dot(weights[-l + 1].transpose(), delta) * sp
            nabla_b[-l] = nabla_b[-l] + delta
            nabla_w[-l] = nabla_w[-l] + np.dot(delta, activations[-l - 1].transpose())
    return [nw / N for nw in nabla_w], [nb / N for nb in nabla_b]


def vectorized_to_from(act):
    f, fp = ACT[act]

    def backward(weights, biases, x, y):
        a, zs = [x], []
        for w, b in zip(weights, biases):
            zs.append(w @ a[-1] + b)
            a.append(f(zs[-1]))
        N = x.shape[1]
        delta = (a[-1] - y) * fp(zs[-1])
        gw, gb = [None] * len(weights), [None] * len(weights)
        for l in reversed(range(len(weights))):
            gw[l] = delta @ a[l].T / N
            gb[l] = delta.sum(axis=1, keepdims=True) / N
            if l:
                delta = (weights[l].T @ delta) * fp(zs[l - 1])
        return gw, gb
    return backward


def loops_from_to(act):
    """From-to, one example at a time, np.outer, gradients filled in place."""
    f, fp = ACT[act]

    def backward(weights, biases, x, y):
        L, N = len(weights), x.shape[1]
        gw = [np.zeros(w.shape) for w in weights]
        gb = [np.zeros(b.shape[0]) for b in biases]
        for s in range(N):
            a, zs = [x[:, s]], []
            for w, b in zip(weights, biases):
                zs.append(w.T.dot(a[-1]) + b[:, 0])
                a.append(f(zs[-1]))
            delta = (a[-1] - y[:, s]) * fp(zs[-1])
            for l in range(L - 1, -1, -1):
                gw[l] += np.outer(a[l], delta) / N
                for j in range(len(delta)):
                    gb[l][j] += delta[j] / N
                if l > 0:
                    delta = weights[l].dot(delta) * fp(zs[l - 1])
        return gw, gb
    return backward


def generic_from_to(weights, biases, x, y, f, fprime):
    """Generic f, from-to, flattened results and np.mean."""
    a, zs = [x], []
    for w, b in zip(weights, biases):
        zs.append(w.transpose() @ a[-1] + b)
        a.append(f(zs[-1]))
    delta = (a[-1] - y) * fprime(zs[-1])
    gw, gb = [], []
    for l in range(len(weights) - 1, -1, -1):
        gw.insert(0, (a[l] @ delta.T / x.shape[1]).reshape(-1))
        gb.insert(0, np.mean(delta, axis=1))
        if l:
            delta = (weights[l] @ delta) * fprime(zs[l - 1])
    return gw, gb


def generic_to_from(weights, biases, x, y, f, fprime):
    a, zs = [x], []
    for w, b in zip(weights, biases):
        zs.append(np.dot(w, a[-1]) + b)
        a.append(f(zs[-1]))
    delta = (a[-1] - y) * fprime(zs[-1])
    gw, gb = [None] * len(weights), [None] * len(weights)
    for l in range(len(weights) - 1, -1, -1):
        gw[l] = np.dot(delta, a[l].T) / x.shape[1]
        gb[l] = np.sum(delta, axis=1, keepdims=True) / x.shape[1]
        if l:
            delta = np.dot(weights[l].T, delta) * fprime(zs[l - 1])
    return gw, gb


def tanh_with_a(weights, biases, x, y):
    """tanh' written as 1 - a**2, from-to, 0.5 * 2 and a float 1.0 on the way."""
    a = [x]
    for w, b in zip(weights, biases):
        a.append(np.tanh(w.T @ a[-1] + 1.0 * b))
    N = x.shape[1]
    delta = 0.5 * 2 * (a[-1] - y) * (1 - a[-1] ** 2)
    gw, gb = [None] * len(weights), [None] * len(weights)
    for l in range(len(weights), 0, -1):
        gw[l - 1] = a[l - 1] @ delta.T / N
        gb[l - 1] = delta.sum(axis=1, keepdims=True) / N
        if l > 1:
            delta = (weights[l - 1] @ delta) * (1 - a[l - 1] ** 2)
    return gw, gb


# ---------------------------------------------------------------- the numeric cross-check

def numeric_crosscheck(backward, widths, act, convention, N, **kw):
    """The float gradient of `backward` against central differences of the cost."""
    rng = np.random.default_rng(len(widths) * 7 + N)
    shapes = [(m, n) if convention == "to-from" else (n, m) for n, m in zip(widths, widths[1:])]
    W = [rng.normal(size=s) * 0.7 for s in shapes]
    B = [rng.normal(size=(m, 1)) * 0.5 for m in widths[1:]]
    x, y = rng.normal(size=(widths[0], N)), rng.normal(size=(widths[-1], N))
    f = FLOAT[ENGINE_NAME.get(act, act)]
    extra = {"f": np.sin, "fprime": np.cos} if act == "f" else {}

    def cost(W, B):
        a = x
        for w, b in zip(W, B):
            a = f((w if convention == "to-from" else w.T) @ a + b)
        return 0.5 * np.sum((a - y) ** 2) / N

    gw, gb = backward([w.copy() for w in W], [b.copy() for b in B], x.copy(), y.copy(),
                      **extra, **kw)
    h = 1e-6
    for params, grads in ((W, gw), (B, gb)):
        for p, g in zip(params, grads):
            fd = np.zeros(p.size)
            for i in range(p.size):
                old = p.flat[i]
                p.flat[i] = old + h
                up = cost(W, B)
                p.flat[i] = old - h
                fd[i] = (up - cost(W, B)) / (2 * h)
                p.flat[i] = old
            assert np.allclose(np.asarray(g, dtype=float).ravel(), fd, rtol=1e-5, atol=1e-8)


# ---------------------------------------------------------------- correct: proved

CORRECT = [
    ("nielsen", lambda: nielsen, "sigmoid", "to-from"),
    ("vectorized sigmoid", lambda: vectorized_to_from("sigmoid"), "sigmoid", "to-from"),
    ("vectorized 1.0/(1.0+exp)", lambda: vectorized_to_from("sigmoid-float"), "sigmoid",
     "to-from"),
    ("vectorized tanh", lambda: vectorized_to_from("tanh"), "tanh", "to-from"),
    ("vectorized softplus", lambda: vectorized_to_from("softplus"), "softplus", "to-from"),
    ("vectorized linear", lambda: vectorized_to_from("linear"), "linear", "to-from"),
    ("loops sigmoid", lambda: loops_from_to("sigmoid"), "sigmoid", "from-to"),
    ("loops tanh", lambda: loops_from_to("tanh"), "tanh", "from-to"),
    ("loops softplus log", lambda: loops_from_to("softplus-log"), "softplus", "from-to"),
    ("generic from-to", lambda: generic_from_to, "f", "from-to"),
    ("generic to-from", lambda: generic_to_from, "f", "to-from"),
    ("tanh with a", lambda: tanh_with_a, "tanh", "from-to"),
]


@pytest.mark.parametrize("N", [1, 3])
@pytest.mark.parametrize("name,make,act,convention", CORRECT, ids=[c[0] for c in CORRECT])
def test_correct_implementations_are_proved(name, make, act, convention, N, fast_backend):
    backward = make()
    for widths in ([2, 3, 2], [3, 2, 2, 4]):
        numeric_crosscheck(backward, widths, act, convention, N)
        result = check_implementation(backward, widths=widths, activation=act,
                                      convention=convention, samples=N, backend=fast_backend)
        assert result.status == "proved", result.summary()
        assert bool(result)
        n = widths
        assert len(result.checks) == sum(a * b + b for a, b in zip(n, n[1:]))


@pytest.mark.slow
def test_sympy_backend_agrees():
    r = check_implementation(nielsen, [2, 3, 2], "sigmoid", "to-from", 2, backend="sympy")
    assert r.status == "proved", r.summary()
    wrong = check_implementation(mistaken("sign", "sigmoid", "to-from"), [2, 3, 2], "sigmoid",
                                 "to-from", 1, backend="sympy")
    assert wrong.status == "refuted"


def test_contract_api_and_json():
    result = check_implementation(nielsen, widths=[2, 3, 2], activation="sigmoid",
                                  convention="to-from", samples=1)
    doc = json.loads(json.dumps(result.to_json()))
    assert doc["status"] == "proved" and doc["counts"]["proved"] == 17
    first = doc["checks"][0]
    assert first["rule"] == "weight_grad" and first["layer"] == 1 and first["index"] == [1, 1]
    assert {c["rule"] for c in doc["checks"]} == {"weight_grad", "bias_grad"}
    assert "proved" in repr(result)


# ---------------------------------------------------------------- wrong: never proved

def mistaken(mistake, act, convention):
    """A vectorized backward (either convention) with one classic mistake."""
    def backward(weights, biases, x, y, f=None, fprime=None):
        F, FP = (f, fprime) if act == "f" else ACT[act]
        W = weights if convention == "to-from" else [w.T for w in weights]
        a, zs = [x], []
        for w, b in zip(W, biases):
            zs.append(w @ a[-1] + b)
            a.append(F(zs[-1]))
        N = x.shape[1]
        d = FP
        if mistake == "f for f'":
            d = F
        if mistake == "f' of a":
            d = lambda z: FP(F(z))                          # noqa: E731
        err = (y - a[-1]) if mistake == "sign" else (a[-1] - y)
        if mistake == "rounded 0.5":
            err = 2 * 0.49999 * (a[-1] - y)
        if mistake == "sigmoid' as 0.25":
            d = lambda z: 0.25 + 0 * z                      # noqa: E731
        delta = err * d(zs[-1])
        mean = (lambda g: g * (1 / N)) if mistake == "float 1/N" else \
            (lambda g: g) if mistake == "no 1/N" else (lambda g: g / N)
        gw, gb = [None] * len(W), [None] * len(W)
        for l in reversed(range(len(W))):
            gw[l] = mean(delta @ a[l].T)
            gb[l] = mean(delta.sum(axis=1, keepdims=True))
            if l:
                back = W[l] if mistake == "no transpose" else W[l].T
                z = zs[l] if mistake == "layer" else zs[l - 1]
                delta = (back @ delta) * d(z)
        if (convention == "from-to") != (mistake == "gradient transposed"):
            gw = [g.T for g in gw]
        return gw, gb
    return backward


# g * (1 / N) with N = 3 is correct since issue 20 (1/3's nearest double is read as 1/3):
# tests/engine/test_impl_exact.py
MISTAKES = ["no transpose", "f for f'", "f' of a", "no 1/N", "sign", "layer", "rounded 0.5",
            "gradient transposed"]
EXPECTED_HINT = {"sign": "sign", "no 1/N": "1/N", "f for f'": "f' instead of f",
                 "f' of a": "f'(a^l)", "rounded 0.5": "0.99998",
                 "gradient transposed": "transposed"}


@pytest.mark.parametrize("convention", ["to-from", "from-to"])
@pytest.mark.parametrize("act", ["sigmoid", "f", "tanh"])
@pytest.mark.parametrize("mistake", MISTAKES)
@pytest.mark.slow
def test_mistakes_are_never_proved(mistake, act, convention, fast_backend):
    backward = mistaken(mistake, act, convention)
    for widths in ([3, 3, 3], [2, 3, 4]):
        result = check_implementation(backward, widths, act, convention, samples=3,
                                      backend=fast_backend)
        assert result.status in ("refuted", "error"), (widths, result.summary())
        assert not result
        bad = result.first_failure
        if result.status == "refuted":
            assert bad.witness and bad.witness.left != bad.witness.right
        if widths == [3, 3, 3] and mistake in EXPECTED_HINT:
            assert bad.hint and EXPECTED_HINT[mistake] in bad.hint, result.summary()


@pytest.mark.slow
def test_sigmoid_prime_as_a_constant_is_refuted(fast_backend):
    for widths in ([3, 3, 3], [2, 3, 1]):
        r = check_implementation(mistaken("sigmoid' as 0.25", "sigmoid", "to-from"), widths,
                                 "sigmoid", "to-from", 1, backend=fast_backend)
        assert r.status == "refuted"


def test_witness_is_small(fast_backend):
    r = check_implementation(mistaken("f for f'", "f", "to-from"), [2, 3, 2], "f", "to-from",
                             1, backend=fast_backend)
    w = r.first_failure.witness
    values = [v for v in w.values.values()]
    assert sum(v == "0" for v in values) >= len(values) // 2
    assert all("/" not in v for v in values)
    assert w.f["formula"].startswith("f(t) =") and w.exact
    assert len(w.nonzero) <= 6


def test_floats_are_exact_not_rounded(fast_backend):
    """0.1 is the double nearest to 1/10, so it is read as 1/10 (issue 20) and said so;
    0.1000001 is the float it is (its binary value times 10 is not 1): refuted, and the
    hint names it."""
    def scaled(weights, biases, x, y):
        gw, gb = vectorized_to_from("sigmoid")(weights, biases, x, y)
        return [g * 0.1 * 10 for g in gw], gb
    r = check_implementation(scaled, [2, 2], "sigmoid", "to-from", backend=fast_backend)
    assert r.status == "proved" and "read 0.1 as 1/10" in r.notes
    def near(weights, biases, x, y):
        gw, gb = vectorized_to_from("sigmoid")(weights, biases, x, y)
        return [g * 0.1000001 * 10 for g in gw], gb
    r = check_implementation(near, [2, 2], "sigmoid", "to-from", backend=fast_backend)
    assert r.status == "refuted" and "0.1000001" in r.first_failure.hint
    def halves(weights, biases, x, y):
        gw, gb = vectorized_to_from("sigmoid")(weights, biases, x, y)
        return [g * 0.5 * 2.0 for g in gw], gb
    assert check_implementation(halves, [2, 2], "sigmoid", "to-from",
                                backend=fast_backend).status == "proved"


# ---------------------------------------------------------------- errors

def raises_on_shapes(weights, biases, x, y):
    a = [x]
    for w, b in zip(weights, biases):
        a.append(sigmoid(w @ a[-1] + b))
    delta = a[-1] - y
    bad = weights[-1] @ delta          # the missing transpose: shapes do not multiply
    return [bad], [delta]


def test_an_exception_is_an_error_with_the_users_line(fast_backend):
    r = check_implementation(raises_on_shapes, [2, 3, 2], "sigmoid", "to-from",
                             backend=fast_backend)
    assert r.status == "error" and not r
    assert "test_implementation.py:" in r.error and "weights[-1] @ delta" in r.error
    package = str(Path(backprop_sym.__file__).parent)
    assert package not in r.error and "Traceback" not in r.error
    assert all(c.status == "error" for c in r.checks)


def test_sys_exit_and_float_arrays_are_errors(fast_backend):
    def leaves(weights, biases, x, y):
        sys.exit(3)

    def float_array(weights, biases, x, y):
        g = 0.0 * np.eye(2)
        g[0, 0] = x[0, 0]
        return [g], [biases[0]]
    r = check_implementation(leaves, [2, 2], "sigmoid", backend=fast_backend)
    assert r.status == "error" and "sys.exit(3)" in r.error
    r = check_implementation(leaves, [2, 2], "f", backend=fast_backend)
    assert r.status == "error" and "fprime" in r.error
    r = check_implementation(float_array, [2, 2], "sigmoid", backend=fast_backend)
    assert r.status == "error" and "float array" in r.error


def test_wrong_returned_shapes_are_errors_for_that_layer(fast_backend):
    good = vectorized_to_from("sigmoid")

    def short(weights, biases, x, y):
        gw, gb = good(weights, biases, x, y)
        return [gw[0], gw[1][:1]], gb

    def one_thing(weights, biases, x, y):
        return good(weights, biases, x, y)[0][0]
    r = check_implementation(short, [2, 3, 2], "sigmoid", "to-from", backend=fast_backend)
    assert r.status == "error"
    assert {c.status for c in r.checks if c.layer == 2 and c.rule == "weight_grad"} == {"error"}
    assert all(c.status == "proved" for c in r.checks if c.layer == 1 or c.rule == "bias_grad")
    assert "grad_weights[1] has shape (1, 3)" in r.first_failure.reason
    r = check_implementation(one_thing, [2, 3, 2], "sigmoid", "to-from", backend=fast_backend)
    assert r.status == "error" and "expected (grad_weights, grad_biases)" in r.error


def test_numpy_is_restored_and_usage_errors_raise():
    check_implementation(nielsen, [2, 2], "sigmoid", "to-from")
    assert np.zeros(2).dtype == np.float64
    with pytest.raises(ValueError):
        check_implementation(nielsen, [2], "sigmoid")
    with pytest.raises(ValueError):
        check_implementation(nielsen, [2, 2], "sigmoid", convention="sideways")
    with pytest.raises(TypeError):
        check_implementation("nielsen", [2, 2], "sigmoid")


def test_the_readme_examples_are_proved(fast_backend):
    import re
    text = ROOT.joinpath("docs", "grading.md").read_text(encoding="utf-8")   # linked from the README
    part = text[text.index("A student's function in each convention"):
                text.index("Nielsen's `network.py`")]
    to_from, from_to = re.findall(r"```python\n(.*?)```", part, re.S)
    for code, act, convention in ((to_from, "sigmoid", "to-from"), (from_to, "tanh", "from-to")):
        scope = {}
        exec(compile(("import numpy as np\n" if "import numpy" not in code else "") + code,
                     "README", "exec"), scope)
        numeric_crosscheck(scope["backward"], [3, 2, 4], act, convention, 3)
        for widths, N in (([2, 3, 2], 1), ([3, 2, 4], 3)):
            r = check_implementation(scope["backward"], widths, act, convention, N,
                                     backend=fast_backend)
            assert r.status == "proved", r.summary()
