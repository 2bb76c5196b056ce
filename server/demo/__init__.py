"""Data for the demo office."""
