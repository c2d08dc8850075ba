"""Import limits: how large an uploaded file, its unpacked content and its data may be.

Read from the environment on every call, so a changed setting applies to the next upload:
FJLD_IMPORT_MAX_UPLOAD_MB (default 20), FJLD_IMPORT_MAX_UNCOMPRESSED_MB (default 200: the sum of
the sizes an .xlsx declares for its parts once unpacked) and FJLD_IMPORT_MAX_ROWS (default 50,000
data rows below the header). A value that is not a positive whole number is ignored (logged) and
the default applies. One MB is 1024 × 1024 bytes, as in Streamlit's upload limit."""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass

MB = 1024 * 1024
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImportLimits:
    upload_mb: int = 20
    uncompressed_mb: int = 200
    rows: int = 50_000

    @property
    def upload_bytes(self) -> int:
        return self.upload_mb * MB

    @property
    def uncompressed_bytes(self) -> int:
        return self.uncompressed_mb * MB


_ENV = {"upload_mb": "FJLD_IMPORT_MAX_UPLOAD_MB", "uncompressed_mb": "FJLD_IMPORT_MAX_UNCOMPRESSED_MB",
        "rows": "FJLD_IMPORT_MAX_ROWS"}


def _positive_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip().replace("_", ""))
    except ValueError:
        value = 0
    if value <= 0:
        log.warning("%s=%r is not a positive whole number; using %d", name, raw, default)
        return default
    return value


def import_limits() -> ImportLimits:
    defaults = ImportLimits()
    return ImportLimits(**{field: _positive_int(env, getattr(defaults, field)) for field, env in _ENV.items()})
