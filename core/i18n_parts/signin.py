"""Catalog entries of the moment after sign-in, while the browser stores the sign-in cookie."""
TEXTS = {
    "signin.storing": "正在保存登录状态…",
    "signin.go_on": "直接进入(刷新页面后需重新登录)",
}
