"""A Swagger 2.0 → typed Python client generator.

Pipeline: load → overlay → validate → normalize → render → format → write.
See README.md for the commands and ../shared/DESIGN.md for the design.
"""

__version__ = "0.1.0"
GENERATOR_NAME = "swagger2-python-client-generator"
# The files of a generated project that are the generator's own bookkeeping: what it made there
# (only those files are ever replaced), and what changed from one version to the next.
MANIFEST = "manifest.json"
CHANGELOG = "CHANGELOG.md"
