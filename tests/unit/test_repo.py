"""House rules that a reader of the repository relies on."""
import ast
import re
import subprocess

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```(?:bash|sh)?\n(.*?)```", section, re.S)]


def test_quick_start_is_two_commands_and_ci_runs_the_second():
    start, test = quick_start_commands()
    assert "streamlit run app.py" in start and "pytest" in test
    assert "\n" not in start and "\n" not in test
    assert test in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_no_legacy_pages_folder():
    """A pages/ folder would let Streamlit serve page scripts without app.py's sign-in."""
    assert not (ROOT / "pages").exists()


def test_layers_keep_their_jobs():
    for path in list((ROOT / "core").rglob("*.py")) + list((ROOT / "db").rglob("*.py")):
        assert not re.search(r"^\s*(import streamlit|from streamlit)", path.read_text(encoding="utf-8"), re.M), path
    for path in (ROOT / "app_pages").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"(from|import) sqlalchemy|\.execute\(", text), path


def test_no_secrets_or_databases_tracked():
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert not [f for f in files if re.search(r"(^|/)secrets\.toml$|\.db$|\.sqlite3?$", f)]


def test_user_text_is_never_rendered_as_html():
    for path in list((ROOT / "app_pages").glob("*.py")) + list((ROOT / "ui").glob("*.py")) + [ROOT / "app.py"]:
        assert "unsafe_allow_html=True" not in path.read_text(encoding="utf-8"), path


def test_catalog_is_the_only_source_of_ui_text():
    """Pages pass catalog keys, not literal Chinese strings."""
    han = re.compile(r"[\u4e00-\u9fff]")
    for path in list((ROOT / "app_pages").glob("*.py")) + [ROOT / "app.py"]:
        source = path.read_text(encoding="utf-8")
        docstring = ast.get_docstring(ast.parse(source), clean=False) or ""
        for lineno, line in enumerate(source.replace(docstring, "").splitlines(), 1):
            code = line.split("#", 1)[0]
            assert not han.search(code), f"{path.name}:{lineno}: {line.strip()}"


def test_the_servers_upload_limit_is_the_import_limit():
    """Streamlit's server refuses larger uploads itself; the page's check names the same limit."""
    import tomllib

    from core.limits import ImportLimits
    with (ROOT / ".streamlit" / "config.toml").open("rb") as f:
        config = tomllib.load(f)
    assert config["server"]["maxUploadSize"] == ImportLimits().upload_mb
