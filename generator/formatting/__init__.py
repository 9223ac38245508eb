"""Formatting generated Python in black's style (stage 4)."""
