"""The intermediate model and the normalize stage that decides it (stage 2)."""
