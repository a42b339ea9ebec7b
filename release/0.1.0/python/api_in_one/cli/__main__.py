"""``python -m api_in_one.cli``: the same as ``aio``."""

import sys

from ._main import main

sys.exit(main())
