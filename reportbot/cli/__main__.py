"""`python -m reportbot.cli`."""

import sys

from reportbot.cli import main

sys.exit(main())
