"""Pooling analysis between neighbouring buyers (Proposition 8). Later issue."""
