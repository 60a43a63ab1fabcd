"""Normalisers: each turns one kind of raw text into structured values, usable alone."""
