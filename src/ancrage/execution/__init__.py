"""Execution follow-up of supplier commitments (insertion hours, penalties). Later issue."""
