"""Rendering the model into the project's files with the Jinja templates (stage 3)."""
