"""What users download or see in static tables cannot run or render their text."""
import pandas as pd

from core.documents import long_date
from core.spreadsheets import neutralise
from ui.tables import escape_markdown, literal_table


def test_formulas_are_neutralised_and_other_text_kept():
    df = pd.DataFrame({"t": ["=SUM(A1)", "+1", "-2", "@x", "正常文本", None], "n": [1, 2, 3, 4, 5, 6]})
    out = neutralise(df)
    assert list(out["t"][:5]) == ["'=SUM(A1)", "'+1", "'-2", "'@x", "正常文本"]
    assert list(out["n"]) == [1, 2, 3, 4, 5, 6]


def test_markdown_in_user_text_is_shown_literally():
    assert escape_markdown("**粗体** [链接](http://x) <b>") == r"\*\*粗体\*\* \[链接\](http" + "\u2060" + r"://x) \<b\>"
    assert escape_markdown("2026-11-20 第1.5条") == "2026-11-20 第1.5条"  # ordinary text stays as typed
    table = literal_table(pd.DataFrame({"a": ["![img](http://evil)"], "b": [3]}))
    assert table.at[0, "a"].startswith(r"\!\[img\]") and table.at[0, "b"] == 3


def test_long_date_format():
    from datetime import date
    assert long_date(date(2025, 5, 21)) == "2025年5月21日"
