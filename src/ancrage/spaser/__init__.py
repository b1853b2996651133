"""SPASER cockpit: axes, objectives, actions, indicators and the yearly report. Later issue."""
