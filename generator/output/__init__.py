"""Writing the output folder, its changelog and version, and comparing two APIs."""
