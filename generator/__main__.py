"""`python -m generator`: see generator.cli."""

import sys

from generator.cli import command

sys.exit(command())
