"""`python -m lib.read PATH MEMORY SECONDS ROWS CELLS RESULT_BYTES`: the parse child."""

import sys

from lib.read.child import child_main

child_main(sys.argv[1:])
