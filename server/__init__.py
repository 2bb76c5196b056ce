"""Sheba (সেবা): the digital one-stop service of a district administration office."""
