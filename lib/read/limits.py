"""What a file and its parse may cost: the reader's limits, in one place.

The other modules of lib.read read these as `limits.NAME` when they run, so a test or a
deployment changes one by setting it here (`lib.read.limits.MAX_ROWS = …`); the copies that
`lib.read` re-exports are for reading only.
"""

from __future__ import annotations

MAX_FILE_BYTES = 50 * 1024 * 1024  # also Streamlit's server.maxUploadSize (MB) in config.toml
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
MAX_MEMBER_RATIO = 150  # real sheets compress 5–20×; bombs a thousandfold
RATIO_CHECKED_ABOVE = 5 * 1024 * 1024  # small members may compress well without harm
MAX_ZIP_MEMBERS = 5_000  # Excel writes tens; a few hundred with many drawings
MAX_CENTRAL_DIRECTORY_BYTES = 4 * 1024 * 1024  # bounds what zipfile parses before we count
MAX_DECLARED_CELLS = 20_000_000  # a sheet's <dimension>, which also counts formatted cells
# What a parse hands back, all sheets together. Validation costs the caller ~20 µs and ~2 KB
# a row (200 000 rows: 6 s, 570 MB), so these bound the upload, not only the read. The design
# point is a register of 50 000 rows; 50 000 × 11 cells pickle to 12 MB.
MAX_ROWS = 200_000
MAX_CELLS = 2_000_000
MAX_RESULT_BYTES = 64 * 1024 * 1024
PARSE_SECONDS = 6  # with start-up and checks (~1 s), any file is answered within 10 s
# The child's address space: with the caller's ~150 MB, under 1 GiB. A 50 000-row register
# parses in 256 MB; a grid calamine cannot allocate within this aborts the child, not us.
PARSE_MEMORY_BYTES = 768 * 1024 * 1024
PROLOG_BYTES = 64 * 1024
MAX_INDEX_BYTES = 4 * 1024 * 1024  # xl/workbook.xml and its relationships, read whole
