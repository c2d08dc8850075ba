"""周例会 page (AppTest): the week's figures, week navigation, presentation mode without any edit
controls, and leaving it."""
from datetime import date

from db.engine import make_engine
from db.queries.weekly import weekly_review
from tests.app.conftest import signed_in_app
from tests.conftest import TODAY


def weekly(username="office", **params):
    at = signed_in_app(username, "app_pages/weekly.py")
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def test_figures_match_the_review_with_change_against_last_week(app_env):
    at = weekly()
    assert not at.exception
    review = weekly_review(make_engine(app_env), date(2026, 11, 23), TODAY)
    metrics = {m.label: m for m in at.metric}
    for key, label in (("new_items", "新增事项"), ("overdue_at_end", "周末仍逾期"), ("open_supervision", "督办中")):
        assert metrics[label].value == str(review["figures"][key])
        assert metrics[label].proto.delta == f"较上周 {review['figures'][key] - review['previous'][key]:+d}"
    assert [s.value for s in at.subheader][:2] == ["本周概况", "仍逾期未反馈(按单位)"]
    assert len(at.get("download_button")) == 2


def test_earlier_week_from_the_url_and_previous_button(app_env):
    at = weekly(week="2026-06-03")  # a Wednesday: its week starts on Monday 2026-06-01
    assert any("2026-06-01 至 2026-06-07" in c.value for c in at.caption)
    at.button(key="weekly.previous").click().run()
    assert at.query_params["week"] == "2026-05-25"
    assert any("2026-05-25 至 2026-05-31" in c.value for c in at.caption)


def test_presentation_mode_has_no_edit_controls(app_env):
    at = weekly("office")
    at.button(key="weekly.present").click().run()
    assert at.query_params["present"] == "1"
    assert [b.label for b in at.button] == ["上一部分", "下一部分", "退出演示"]  # no sign-out, no forms
    assert not at.get("download_button") and not at.text_input and not at.selectbox and not at.date_input
    assert not at.sidebar.button
    assert [s.value for s in at.subheader] == ["本周概况"]
    at.button(key="weekly.next_section").click().run()
    assert [s.value for s in at.subheader] == ["仍逾期未反馈(按单位)"]
    assert any("第 2/6 部分" in c.value for c in at.caption)


def test_leaving_presentation_restores_the_page(app_env):
    at = weekly("viewer", present="1", slide="3")
    assert [s.value for s in at.subheader] == ["重点工作本周进展"]
    at.button(key="weekly.exit_present").click().run()
    assert "present" not in at.query_params
    assert at.title[0].value == "周例会"
    assert "退出登录" in [b.label for b in at.button]
    assert len(at.subheader) == 7
