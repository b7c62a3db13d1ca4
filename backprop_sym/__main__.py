"""`python -m backprop_sym`: the command line."""
from .cli import main

main(prog_name="backprop-sym")
