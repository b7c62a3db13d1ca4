"""Proof reports: `render` builds the context from checked results, `formulas` prints
SymPy in the project's notation, `latex` escapes text and runs the build; the templates
only lay out."""
