"""Reading a document: load, bundle $refs, apply overlays, validate (stage 1)."""
