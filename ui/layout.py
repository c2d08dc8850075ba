"""Page furniture shared by every page."""
from __future__ import annotations

import streamlit as st

from core.i18n import t
from db.queries.common import has_demo_data
from ui.session import read


# Phone-sized screens (a liaison on the 待办 page): tap targets of at least 44 px, and a demo banner
# that takes one short line instead of pushing the work below the fold. Static CSS, no user text.
_PHONE_CSS = """<style>
[class*="st-key-todo"] button, [class*="st-key-todo"] summary, [data-testid="stPageLink-NavLink"] {
  min-height: 44px;
}
@media (max-width: 640px) {
  .st-key-demo_banner [data-testid="stAlert"] { padding: 0.25rem 0.5rem; }
  .st-key-demo_banner [data-testid="stAlert"] p { font-size: 0.8rem; line-height: 1.2; }
  .st-key-demo_banner [data-testid="stAlertContentWarning"] { white-space: nowrap; overflow: hidden;
    text-overflow: ellipsis; }
}
</style>"""


def demo_banner() -> None:
    if read(has_demo_data):
        with st.container(key="demo_banner"):
            st.warning(t("app.demo_banner"), icon=":material/science:")


def phone_friendly() -> None:
    """Page CSS for phones (drawn once per run by app.py)."""
    st.html(_PHONE_CSS)
