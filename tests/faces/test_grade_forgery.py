"""grade: submissions that try to forge their grade (a row down an inherited pipe, the
checker replaced at import, the expected gradients read from the running engine) are
never proved; correct ones still are."""
import json
import textwrap

import pytest

from support import GOOD_BACKWARD as GOOD, cli_process

ZEROS = """
def backward(weights, biases, x, y):
    return [np.zeros(w.shape) for w in weights], [np.zeros(b.shape) for b in biases]
"""


# a forged row: down every Connection object, every file descriptor, and (for a user
# without CAP_SYS_PTRACE, as graders are: root reaches every process whatever the grader
# does, which is why the README says to grade in a container) every fd of the parent and
# grandparent processes that /proc lets it open
FORGE_ROW = """
import gc, os, pickle, struct
import numpy as np

ROW = {"file": __file__, "status": "proved", "first": None, "hint": None, "detail": None,
       "seconds": 0.0}

def _forge():
    payload = pickle.dumps(ROW)
    frame = struct.pack("!i", len(payload)) + payload
    try:
        from multiprocessing.connection import Connection
        for o in gc.get_objects():
            if isinstance(o, Connection):
                try:
                    o.send(ROW)
                except Exception:
                    pass
    except Exception:
        pass
    for fd in range(3, 256):
        try:
            os.write(fd, frame)
        except OSError:
            pass
    if os.geteuid() == 0:
        return
    pids = [os.getppid()]
    try:
        with open(f"/proc/{pids[0]}/status") as fh:
            pids += [int(line.split()[1]) for line in fh if line.startswith("PPid:")]
    except OSError:
        pass
    for pid in pids:
        try:
            names = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for name in names:
            try:
                with open(f"/proc/{pid}/fd/{name}", "wb", buffering=0) as fh:
                    fh.write(frame)
            except OSError:
                pass

_forge()
"""

FORGE_ROW_EXIT = FORGE_ROW + "os._exit(0)\n" + ZEROS
FORGE_ROW_ZEROS = FORGE_ROW + ZEROS

# the checker replaced at import, wherever it is found
FORGE_PATCH = """
import sys
import numpy as np

class Fake:
    status = "proved"
    first_failure = None
    error = None
    failed_call = None
    failure_text = None
    checks = []
    calls = []
    def label(self, c):
        return ""
    def __bool__(self):
        return True

def fake(*a, **k):
    return Fake()

import backprop_sym.engine.implementation as I
import backprop_sym.engine.entries as E
import backprop_sym.engine.sym as S
I.check_implementation = fake
I.judge = fake
for name, mod in list(sys.modules.items()):
    if name.startswith("backprop_sym"):
        for attr in ("check_implementation", "judge", "compare"):
            if hasattr(mod, attr):
                setattr(mod, attr, fake if attr != "compare" else
                        (lambda *a, **k: E.entry_check(a[1], "proved", 0.0)))
S.SymContext.is_zero = lambda self, d, cancel=True: True
""" + ZEROS

# the expected gradients read from the engine objects of the running process
FORGE_READ = """
import gc, sys
import numpy as np

def _context():
    try:
        from backprop_sym.engine.sym import SymContext
    except Exception:
        return None
    for o in gc.get_objects():
        if isinstance(o, SymContext):
            return o
    f = sys._getframe(1)
    while f is not None:
        for v in list(f.f_locals.values()):
            if isinstance(v, SymContext):
                return v
        f = f.f_back
    return None

def backward(weights, biases, x, y):
    from backprop_sym.engine.sym import Sym
    ctx = _context()
    gw = [np.zeros(w.shape) for w in weights]
    gb = [np.zeros(b.shape) for b in biases]
    if ctx is None:
        return gw, gb
    shape = ctx.shape
    for l in range(1, shape.L + 1):
        rows, cols = shape.matrix(l)
        g = np.empty((rows, cols), dtype=object)
        for p in range(rows):
            for q in range(cols):
                g[p, q] = Sym(ctx.engine.gradient(ctx.ex.W(l, p + 1, q + 1)))
        gw[l - 1] = g
        c = np.empty((shape.widths[l], 1), dtype=object)
        for j in range(shape.widths[l]):
            c[j, 0] = Sym(ctx.engine.gradient(ctx.ex.b[l, j + 1]))
        gb[l - 1] = c
    return gw, gb
"""

FORGERIES = {"f_row_exit.py": FORGE_ROW_EXIT, "f_row_zeros.py": FORGE_ROW_ZEROS,
             "f_patch.py": FORGE_PATCH, "f_read.py": FORGE_READ}


def _grade(folder, *args):
    out = cli_process("grade", str(folder), "--widths", "2,3,2", "--convention", "to-from",
                      "--timeout", "60", "--json", *args)
    assert "Traceback" not in out.stderr
    doc = json.loads(out.stdout)                     # nothing forged reached stdout either
    return out, {r["file"].rsplit("/", 1)[-1]: r for r in doc["submissions"]}


@pytest.mark.slow
def test_forged_grades_are_never_proved(tmp_path):
    folder = tmp_path / "subs"
    folder.mkdir()
    summed = GOOD.replace(" / x.shape[1]", "")             # the sum's gradient, not the mean's
    for name, text in {**FORGERIES, "a_good.py": GOOD, "s_sum.py": summed}.items():
        (folder / name).write_text(textwrap.dedent(text))
    out, rows = _grade(folder)
    assert out.returncode == 1, out.stdout + out.stderr
    assert rows["a_good.py"]["status"] == "proved", rows["a_good.py"]
    for name in FORGERIES:
        assert rows[name]["status"] in ("refuted", "error"), (name, rows[name])
    # the row written down a pipe is not a recording: an error naming that
    assert rows["f_row_zeros.py"]["status"] == "error"
    assert "not an expression of the inputs" in rows["f_row_zeros.py"]["detail"]
    assert rows["f_patch.py"]["status"] == "refuted"
    assert rows["f_read.py"]["status"] == "refuted"
    assert rows["s_sum.py"]["status"] == "refuted"           # with grade's default --samples


def test_the_grader_is_not_dumpable():
    """Non-dumpable: a same-user process cannot open the grader's /proc/<pid>/fd."""
    import subprocess
    import sys
    code = ("import ctypes; from backprop_sym.grade import undumpable; undumpable(); "
            "print(ctypes.CDLL(None).prctl(3, 0, 0, 0, 0))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "0", out.stderr
