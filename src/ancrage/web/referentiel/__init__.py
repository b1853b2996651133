"""Public pages of the référentiel of model criteria and clauses (no login)."""
