"""Processes of this machine, as the pipeline and its tests ask after them."""

import os


def alive(pid: int) -> bool:
    """Whether process ``pid`` still runs on this machine (one of another user counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
