"""Sourcing register and supplier finder (product.md §1, Proposition 3). Built in a later issue."""
