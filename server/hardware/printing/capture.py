"""capture://DIR — a printer that files each job as a PNG and its ESC/POS bytes.

For development, demos and tests: the `.bin` is byte for byte what a real printer of the
same profile would receive (`cat job.bin > /dev/usb/lp0` prints it).
"""

from __future__ import annotations

import os
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image

from .base import JOB_TIMEOUT_SECS, JobRunner, PrinterError, PrinterStatus
from .commands import ticket_commands

# Job ids become file names: event ids ("1732870000000-0") and uuids pass, paths do not.
_JOB_ID = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}")


class CapturePrinter:
    """Writes `{job_id}.png` and `{job_id}.bin` into a directory (created on first job)."""

    def __init__(
        self,
        directory: str | Path,
        profile: str = "TM-T20II",
        timeout_secs: float = JOB_TIMEOUT_SECS,
    ) -> None:
        self.directory = Path(directory)
        self.uri = f"capture://{directory}"
        self.profile = profile
        self._runner = JobRunner(timeout_secs)

    def __repr__(self) -> str:
        return f"CapturePrinter({self.uri!r}, profile={self.profile!r})"

    async def print_ticket(self, image: Image.Image, job_id: str | None = None) -> None:
        """File the job; the same `job_id` again replaces its files (retries stay one job)."""
        if job_id is None:
            # Sortable by time, unique across processes.
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
            job_id = f"{stamp}-{uuid.uuid4().hex[:8]}"
        elif not _JOB_ID.fullmatch(job_id):
            raise PrinterError(f"job id {job_id!r} cannot be used as a file name")
        data = ticket_commands(image, self.profile)
        await self._runner.run(
            f"capturing into {self.directory}", lambda: self._write(job_id, image, data)
        )

    async def status(self) -> PrinterStatus:
        """Ok while the directory can be created and written."""
        try:
            await self._runner.run(
                f"checking {self.directory}",
                lambda: self.directory.mkdir(parents=True, exist_ok=True),
            )
        except PrinterError as exc:
            return PrinterStatus("offline", exc.message)
        if not os.access(self.directory, os.W_OK):
            return PrinterStatus("offline", f"{self.directory} is not writable")
        return PrinterStatus("ok", f"capturing into {self.directory.resolve()}")

    def _write(self, job_id: str, image: Image.Image, data: bytes) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a reader never sees half a ticket.
        png, tmp_png = self.directory / f"{job_id}.png", self.directory / f".{job_id}.png.tmp"
        image.save(tmp_png, format="PNG")
        os.replace(tmp_png, png)
        raw, tmp_raw = self.directory / f"{job_id}.bin", self.directory / f".{job_id}.bin.tmp"
        tmp_raw.write_bytes(data)
        os.replace(tmp_raw, raw)
