"""The proof engine: explicit networks, direct differentiation, the closed-form rules and
the exact comparison of the two. It imports nothing from `claims`, `report` or the faces."""
