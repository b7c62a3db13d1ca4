"""The limit on the digits of one integer in a recording (transport.MAX_DIGITS) is
exactly MAX_DIGITS digits, with or without a minus sign: one more digit is refused."""
import pytest
import sympy

from backprop_sym.engine import implementation as I
from backprop_sym.engine import transport
from backprop_sym.engine.sym import SymContext, running

pytest.importorskip("numpy")

CALLS = I.plan((2, 3, 2), "sigmoid", "to-from", 2)
D = transport.MAX_DIGITS


def replayed(nodes):
    ctx = SymContext(I._shape(CALLS[0]), "sympy")
    with running(ctx):
        return ctx.B.to_sympy(transport.replay(nodes, ctx, generic=False)[-1].e)


@pytest.mark.parametrize("text", ["9" * D, "-" + "9" * D, "1" + "0" * (D - 1)])
def test_an_integer_of_max_digits_is_read(text):
    assert replayed([["int", text]]) - sympy.Integer(int(text)) == 0
    assert replayed([["rat", text, "9" * D]]) - sympy.Rational(int(text), int("9" * D)) == 0


@pytest.mark.parametrize("text", ["9" * (D + 1), "-" + "9" * (D + 1), "1" + "0" * D,
                                  "", "-", "+9", "٣"])
def test_one_digit_more_is_refused(text):
    with pytest.raises(transport.Malformed):
        replayed([["int", text]])
    with pytest.raises(transport.Malformed):
        replayed([["rat", "1", text]])
