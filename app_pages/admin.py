"""管理: accounts — create, set role and unit, reset password, deactivate."""
import streamlit as st

from core.i18n import t
from core.permissions import ROLES
from db.commands.users import CreateUser, ResetPassword, UpdateUser
from db.queries.common import units
from db.queries.users import list_users
from ui.session import FieldErrors, actor, edit_version, forget_edit_version, read, run_command

st.title(t("admin.users"))
me = actor()
unit_rows = read(units)
unit_names = {u["id"]: u["name"] for u in unit_rows}
unit_options = [None] + [u["id"] for u in unit_rows]


def unit_label(unit_id):
    return unit_names.get(unit_id, t("admin.no_unit")) if unit_id else t("admin.no_unit")


def status_label(row) -> str:
    if not row["active"]:
        return t("admin.status_inactive")
    return t("admin.status_locked") if row["locked"] else t("admin.status_active")


users = read(list_users)
table = users.assign(role=users["role"].map(lambda r: t(f"role.{r}")),
                     unit=users["unit"].fillna(t("common.none")),
                     status=[status_label(r) for _, r in users.iterrows()])
st.caption(t("admin.user_count", n=len(users)))
st.dataframe(table[["username", "display_name", "role", "unit", "status"]].rename(columns={
    "username": t("admin.username"), "display_name": t("admin.display_name"), "role": t("admin.role"),
    "unit": t("admin.unit"), "status": t("admin.status")}), hide_index=True, width="stretch")

create_tab, edit_tab = st.tabs([t("admin.create_user"), t("admin.edit_user")])

with create_tab, st.form("admin.create", clear_on_submit=False):
    form = "admin.create"
    errs = FieldErrors(form)
    username = st.text_input(t("admin.username"), key=f"{form}.username", max_chars=32)
    errs.slot("username")
    display_name = st.text_input(t("admin.display_name"), key=f"{form}.display_name", max_chars=50)
    errs.slot("display_name")
    password = st.text_input(t("admin.password"), type="password", key=f"{form}.password")
    errs.slot("password")
    role = st.selectbox(t("admin.role"), ROLES, key=f"{form}.role", format_func=lambda r: t(f"role.{r}"))
    errs.slot("role")
    unit_id = st.selectbox(t("admin.unit"), unit_options, key=f"{form}.unit_id", format_func=unit_label)
    errs.slot("unit_id")
    if st.form_submit_button(t("admin.create"), type="primary"):
        if run_command(CreateUser(me, username=username, display_name=display_name, password=password,
                                  role=role, unit_id=unit_id),
                       success=t("admin.created", username=username.strip()), form_key=form):
            st.rerun()
    errs.show()

with edit_tab:
    if users.empty:
        st.stop()
    chosen = st.selectbox(t("admin.select_user"), users["id"].tolist(), key="admin.edit.user_id",
                          format_func=lambda i: f"{users.set_index('id').at[i, 'username']} · "
                                                f"{users.set_index('id').at[i, 'display_name']}")
    row = users.set_index("id").loc[chosen]
    form = f"admin.edit.{chosen}"
    errs = FieldErrors(form)
    version = edit_version(form, row["version"])  # the version this edit started from
    with st.form(form):
        display_name = st.text_input(t("admin.display_name"), value=row["display_name"], key=f"{form}.display_name",
                                     max_chars=50)
        errs.slot("display_name")
        role = st.selectbox(t("admin.role"), ROLES, index=ROLES.index(row["role"]), key=f"{form}.role",
                            format_func=lambda r: t(f"role.{r}"))
        errs.slot("role")
        current_unit = None if row["unit_id"] is None or row["unit_id"] != row["unit_id"] else int(row["unit_id"])
        unit_id = st.selectbox(t("admin.unit"), unit_options, index=unit_options.index(current_unit),
                               key=f"{form}.unit_id", format_func=unit_label)
        errs.slot("unit_id")
        active = st.checkbox(t("admin.active"), value=bool(row["active"]), key=f"{form}.active")
        errs.slot("active")
        if st.form_submit_button(t("admin.save"), type="primary"):
            if run_command(UpdateUser(me, user_id=int(chosen), version=version,
                                      display_name=display_name, role=role, unit_id=unit_id, active=active),
                           success=t("admin.saved", username=row["username"]), form_key=form):
                forget_edit_version(form)
                st.rerun()
        errs.show()
    reset_errs = FieldErrors(f"{form}.reset")
    with st.form(f"{form}.reset", clear_on_submit=True):
        st.markdown(f"**{t('admin.reset_password')}**")
        new_password = st.text_input(t("admin.new_password"), type="password", key=f"{form}.new_password")
        reset_errs.slot("new_password")
        if st.form_submit_button(t("admin.reset")):
            if run_command(ResetPassword(me, user_id=int(chosen), version=None, new_password=new_password),
                           success=t("admin.reset_done", username=row["username"]), form_key=f"{form}.reset"):
                st.rerun()
        reset_errs.show()
