"""A download offered once, that leaves nothing behind (the database backup).

How Streamlit 1.67 serves a download (runtime/media_file_manager.py): `st.download_button` with a
callable as `data` registers only the callable (a "deferred" file, reachable by nobody but this
session's browser, which holds its random id). On the click the browser asks for it; Streamlit
calls it, stores the bytes in its in-memory media storage under an id that no element references,
and the browser fetches them from /media/<id> — a URL that needs no sign-in. Such an unreferenced
download is marked by the next orphan sweep (the end of any script run) and deleted by the sweep
after that, so that the browser has time to fetch it.

So here:
- The bytes live in a OneTimeFile in the session, not on disk and not at any URL, until the click.
- The callable hands them over once (`take`) and forgets them; a second request gets nothing.
- The button uses on_click="ignore": a rerun started by the click could unregister the callable
  before the browser's request for it arrives.
- Until that copy is gone, a fragment reruns every TICK, and every run ends with an orphan
  sweep. The runs that start SETTLE seconds or more after the hand-over (the copy is stored by
  then) are counted: the first one's sweep marks the copy, the second one's deletes it. The run
  after that calls `on_release` (which says so, e.g. in a message for the next run) and reruns the
  whole page, which then draws neither the button nor the fragment (`released`). What is said
  is said from the fragment itself, not left to the page's next run to find out: that run has
  been seen (rarely, in a browser test) to come back with the page's view switch at its default."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Callable

import streamlit as st

TICK = 1.0  # seconds between the fragment's runs (each ends with Streamlit's orphan sweep)
SETTLE = 1.0  # seconds after the hand-over by which Streamlit has stored its copy of the bytes
SWEEPS = 2  # the first sweep that sees an unreferenced download marks it, the second deletes it


@dataclass(eq=False)
class OneTimeFile:
    name: str
    mime: str
    size: int
    _content: bytes | None = field(default=None, repr=False)
    taken_at: float | None = None
    sweeps: int = 0  # runs since the copy was stored, each of which ended with an orphan sweep
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def of(cls, name: str, content: bytes, mime: str) -> "OneTimeFile":
        return cls(name=name, mime=mime, size=len(content), _content=content)

    def take(self) -> bytes:
        """The bytes, once (Streamlit calls this in a worker thread when the button is clicked)."""
        with self._lock:
            content, self._content = self._content, None
            if content is None:
                raise LookupError("this download has already been handed over")
            self.taken_at = time.monotonic()
        return content

    @property
    def released(self) -> bool:
        """Handed over, and Streamlit's copy swept away (read in a later run than the last count,
        so the sweep at the end of that run has happened)."""
        return self.sweeps >= SWEEPS

    def count_sweep(self) -> None:
        """Called by a run that will end with a sweep: counted once the copy is surely stored."""
        if self.taken_at is not None and time.monotonic() - self.taken_at >= SETTLE:
            self.sweeps += 1


def one_time_download(label: str, file: OneTimeFile, *, key: str, on_release: Callable[[], None],
                      icon: str | None = None) -> None:
    """The download button of `file` while it has not been handed over, and the fragment that
    calls `on_release` and reruns the page once Streamlit's copy of the bytes is gone. Draw it
    only while not released."""
    if file.taken_at is None:
        st.download_button(label, file.take, file_name=file.name, mime=file.mime, key=key, on_click="ignore",
                           icon=icon, type="primary")
    _rerun_when_released(file, on_release)


@st.fragment(run_every=TICK)
def _rerun_when_released(file: OneTimeFile, on_release: Callable[[], None]) -> None:
    if file.released:  # the earlier runs' sweeps removed the copy: say so, redraw the page without us
        on_release()
        st.rerun(scope="app")
    file.count_sweep()
