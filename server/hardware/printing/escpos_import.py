"""The one place python-escpos is imported, with its import-time side effects undone.

escpos 3.1 on import (1) calls logging.basicConfig(), adding a stderr handler to the root
logger, and (2) runs `environ.get("ESCPOS_CAPABILITIES_PICKLE_DIR", mkdtemp())`: the default
is evaluated eagerly, so every process leaves an empty temp folder behind even when the
variable is set. Import escpos only through this module.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path


def _cache_dir() -> Path | None:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    path = base / "sheba" / "escpos"
    try:
        (path / "scratch").mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return path


_cache = _cache_dir()
_scratch = _cache / "scratch" if _cache else None
if _cache and "ESCPOS_CAPABILITIES_PICKLE_DIR" not in os.environ:
    # A per-user cache, not a shared temp dir: escpos unpickles whatever it finds there.
    os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(_cache)

_root = logging.getLogger()
_root_handlers = list(_root.handlers)
_tempdir = tempfile.tempdir
if _scratch:
    tempfile.tempdir = str(_scratch)  # so the stray mkdtemp() lands where we can sweep it
try:
    from escpos import capabilities
    from escpos import printer as escpos_printer
    from escpos.exceptions import Error as EscposError
finally:
    tempfile.tempdir = _tempdir
    # The application's logging setup decides where records go, whatever the import order.
    for _handler in list(_root.handlers):
        if _handler not in _root_handlers:
            _root.removeHandler(_handler)

if _scratch and capabilities.pickle_dir != str(_scratch):
    for _leftover in _scratch.iterdir():
        try:
            _leftover.rmdir()  # only empty folders: never anything escpos still uses
        except OSError:
            pass

__all__ = ["EscposError", "capabilities", "escpos_printer"]
