"""``python -m wd300com``: the command-line client (wd300com.cli)."""

import sys

from .cli import main

sys.exit(main())
