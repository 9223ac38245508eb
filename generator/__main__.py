"""`python -m generator`: see generator.cli."""

import sys

from .cli import command

sys.exit(command())
