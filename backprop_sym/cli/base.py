"""How every command ends: the usage error (`Fail`, exit 2), and the command group `Main`
with an exit code for every end that is no verdict (70 internal error, 130 Ctrl-C, 141
closed output pipe, 143 SIGTERM).

Run as a program (the `backprop-sym` script, `python -m backprop_sym`), a command runs in
a forked child of the process that was started (`runner.supervise`), which only waits:
SIGTERM and Ctrl-C are then answered within a second even while the command is inside a
long SymEngine call, and nothing the command started outlives it. Under a test runner
whose streams are not files (click's CliRunner), the command runs in the same process."""
from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import traceback

import click

from ..engine.vocabulary import EXIT_INTERNAL, EXIT_SIGTERM, EXIT_USAGE, exit_code

INTERRUPTED, BROKEN_PIPE = 130, 141
DEBUG_ENV = "BACKPROP_SYM_DEBUG"     # set to 1 to see the traceback of an internal error


class Fail(click.ClickException):
    """A usage error: one line naming what was wrong and what was expected; exit 2."""
    exit_code = EXIT_USAGE

    def show(self, file=None):
        click.echo(f"backprop-sym: error: {self.message}", err=True)


def finish(status: str, code: int | None = None):
    """End the command with the exit code of `status` (or `code`, when given)."""
    sys.exit(exit_code(status) if code is None else code)


class Terminated(SystemExit):
    """Raised in the main process by SIGTERM, so that `finally` blocks run on the way out."""


@contextlib.contextmanager
def sigterm_exits():
    """While the command runs, SIGTERM raises Terminated(143) in this process; a forked
    worker that receives it dies as by default, and a second SIGTERM is ignored while
    the first one unwinds (so that the workers still get killed)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    owner = os.getpid()

    def on_sigterm(signum, frame):
        if os.getpid() != owner:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)
            return
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise Terminated(EXIT_SIGTERM)

    previous = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def stop(message: str, code: int):
    click.echo(f"backprop-sym: {message}", err=True)
    raise SystemExit(code)


class Main(click.Group):
    """The command group, with an exit code for every end that is no verdict: an
    unexpected exception exits 70 with one line (no traceback unless BACKPROP_SYM_DEBUG
    is set), Ctrl-C 130, SIGTERM 143, a closed output pipe 141. Used by the
    `backprop-sym` script, `python -m backprop_sym` and CliRunner alike."""

    def main(self, *args, **kwargs):
        from ..engine import runner
        from ..terminal import ascii_fallback
        ascii_fallback()
        if not (kwargs.get("standalone_mode", True) and runner.can_supervise()):
            return self._main(args, kwargs, quiet=False)
        try:
            with sigterm_exits():
                code = runner.supervise(lambda: self._main(args, kwargs, quiet=True))
        except Terminated:
            stop("terminated", EXIT_SIGTERM)
        except KeyboardInterrupt:
            click.echo(err=True)          # ends the terminal's ^C
            stop("interrupted", INTERRUPTED)
        raise SystemExit(code)

    def _main(self, args, kwargs, quiet: bool):
        """The command in this process; `quiet`: in a supervised child, whose parent says
        why it ended when a signal ended it."""
        self.quiet = quiet
        try:
            with sigterm_exits():
                try:
                    return super().main(*args, **kwargs)
                finally:
                    sys.stdout.flush()
        except Terminated:
            if quiet:
                raise SystemExit(EXIT_SIGTERM) from None
            stop("terminated", EXIT_SIGTERM)
        except BrokenPipeError:
            silence_stdout()
            raise SystemExit(BROKEN_PIPE) from None

    def parse_args(self, ctx, args):
        try:
            return super().parse_args(ctx, args)
        except BrokenPipeError:         # --help or --version into a closed pipe
            silence_stdout()
            raise SystemExit(BROKEN_PIPE) from None

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            if getattr(self, "quiet", False):
                raise SystemExit(INTERRUPTED) from None
            click.echo(err=True)          # ends the terminal's ^C
            stop("interrupted", INTERRUPTED)
        except BrokenPipeError:
            silence_stdout()
            raise SystemExit(BROKEN_PIPE) from None
        except Exception as err:
            if os.environ.get(DEBUG_ENV, "") not in ("", "0"):
                traceback.print_exc()
            first = (str(err).strip().splitlines() or [""])[0]
            stop(f"internal error: {type(err).__name__}{': ' + first if first else ''}"
                 " — please report this with the command you ran", EXIT_INTERNAL)


def silence_stdout():
    """After the reader of stdout went away: no second error when Python flushes it."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
