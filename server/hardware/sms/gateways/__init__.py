"""Shipped HTTP SMS gateway configs (TOML); a package so that they install with the code."""
