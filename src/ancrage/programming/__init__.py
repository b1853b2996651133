"""Publication of the buyer's multi-year purchase plan. Later issue."""
