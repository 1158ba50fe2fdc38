"""A bench's scratch folder, gone when the bench ends; and a check that nothing else was
left behind in the folder it ran from."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def scratch(prefix: str) -> Iterator[Path]:
    here = Path.cwd()
    before = set(here.iterdir())
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        left = ([folder] if folder.exists() else []) + sorted(set(here.iterdir()) - before)
        print(f"left behind: {', '.join(map(str, left)) or 'nothing'}", flush=True)
