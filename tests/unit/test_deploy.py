"""The deployment recipe in deploy/: nginx accepts its configuration (`nginx -t`, Debian's nginx),
the units start the app, migrations and reminders with the environment file, and every setting
the environment file names is one the app reads."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from core.limits import ImportLimits
from tests.conftest import ROOT, skip_or_fail

DEPLOY = ROOT / "deploy"


def test_nginx_accepts_the_configuration(tmp_path: Path):
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        skip_or_fail("nginx is not installed (apt-get install nginx-light)")
    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / name).mkdir()
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {tmp_path}/client_body;\n"
        f"  proxy_temp_path {tmp_path}/proxy;\n  fastcgi_temp_path {tmp_path}/fastcgi;\n"
        f"  uwsgi_temp_path {tmp_path}/uwsgi;\n  scgi_temp_path {tmp_path}/scgi;\n"
        f"  include {DEPLOY / 'nginx.conf'};\n}}\n", encoding="utf-8")
    result = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(main)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    conf = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    assert "proxy_set_header Upgrade $http_upgrade" in conf and "hash $remote_addr" in conf
    limit = int(re.search(r"client_max_body_size (\d+)m", conf)[1])
    assert limit >= ImportLimits().upload_mb


def test_the_units_run_the_app_the_migration_and_the_reminders_with_the_environment_file():
    units = {p.name: p.read_text(encoding="utf-8") for p in DEPLOY.glob("*.service")}
    assert "-m streamlit run app.py --server.port %i" in units["fjld@.service"]
    assert "manage.py migrate" in units["fjld-migrate.service"]
    assert "manage.py remind" in units["fjld-remind.service"]
    assert all("EnvironmentFile=/etc/fjld/fjld.env" in text for text in units.values())
    assert "OnCalendar=" in (DEPLOY / "fjld-remind.timer").read_text(encoding="utf-8")


def test_every_setting_of_the_environment_file_is_read_by_the_app():
    names = re.findall(r"^([A-Z_]+)=", (DEPLOY / "fjld.env.example").read_text(encoding="utf-8"), re.M)
    code = "\n".join(p.read_text(encoding="utf-8") for d in ("core", "db", "jobs", "ui") for p in (ROOT / d).rglob("*.py"))
    assert {"DATABASE_URL", "COOKIE_KEY"} <= set(names)
    assert [n for n in names if f'"{n}"' not in code] == []
