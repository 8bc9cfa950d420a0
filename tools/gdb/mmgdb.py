"""The project's gdb commands for the kernel's memory manager.

Load with `source tools/gdb/mmgdb.py` (`scons debug` does it). Adds:
  mm-walk ADDR [CR3]   the page walk of an address, level by level
  mm-vmas [PID]        a process's VMAs in /proc/PID/maps form
  mm-buddy             free blocks per order of the buddy allocator
  mm-page PFN          a page descriptor decoded
`help mm-walk` (etc.) describes each.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import mm_buddy  # noqa: E402
import mm_page  # noqa: E402
import mm_vmas  # noqa: E402
import mm_walk  # noqa: E402

mm_walk.MmWalk()
mm_vmas.MmVmas()
mm_buddy.MmBuddy()
mm_page.MmPage()
