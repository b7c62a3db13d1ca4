"""Reading what people write: display equations from documents, parsed as claims about
the network, each checked with the engine (`check` holds the public entry points)."""
from .check import check_claim, check_file, check_text

__all__ = ["check_claim", "check_file", "check_text"]
