"""Offer evaluation: weighted scoring, life-cycle cost, abnormally low offers. Later issue."""
