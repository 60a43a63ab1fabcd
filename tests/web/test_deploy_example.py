"""The docker-less deployment example in deploy/ (docs/deploy.md): systemd units for gunicorn, the Huey worker and
the nightly backup, gunicorn's settings, the environment file, the nginx site.

The files are checked against each other (the units' binaries, paths, EnvironmentFile, gunicorn's bind and nginx's
upstream), `systemd-analyze verify` reads the units when it is installed, and then the units' own command lines are
run, with the environment file's variables and the install paths moved to a temporary folder and a free port, on a
migrated temporary SQLite database: gunicorn under dondoc.settings_production answers /dang-nhap/ over "HTTPS" (as
nginx forwards it), redirects plain HTTP, sends the security headers and serves a static file; the worker takes a job
from Redis and runs it (skipped without Redis unless DONDOC_REQUIRE_REDIS=1); the backup unit writes and checks an
archive. Each process is stopped with SIGTERM and must exit cleanly."""

from __future__ import annotations

import http.client
import os
import re
import runpy
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
INSTALL = "/opt/dondoc"  # where the units expect the code and its virtualenv (docs/deploy.md)
ENV_FILE = "/etc/dondoc/dondoc.env"
BACKUPS = "/var/backups/dondoc"
UNITS = ["dondoc-web.service", "dondoc-worker.service", "dondoc-backup.service", "dondoc-backup.timer"]
REQUIRE_REDIS = os.environ.get("DONDOC_REQUIRE_REDIS", "").strip().lower() in {"1", "true", "yes", "on"}
REDIS_URL = os.environ.get("DONDOC_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
STOP_WAIT = 90  # seconds a stopped process may take before the test gives up on it (a hang guard, not a measure)


# --- reading the files -----------------------------------------------------------------------------------------------

def parse_unit(path: Path) -> dict[str, dict[str, list[str]]]:
    """A systemd unit: sections → keys → values (a key may repeat)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        assert current is not None, f"{path.name}: khóa nằm ngoài mọi mục: {line}"
        key, sep, value = line.partition("=")
        assert sep, f"{path.name}: dòng không hợp lệ: {line}"
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def one(unit: dict[str, dict[str, list[str]]], section: str, key: str) -> str:
    values = unit[section][key]
    assert len(values) == 1, f"{section}.{key} lặp lại"
    return values[0]


def command(line: str) -> list[str]:
    """An Exec line's words, without systemd's prefixes (-, @, +, !)."""
    return shlex.split(line.lstrip("-@+!:"))


def parse_env(path: Path) -> dict[str, str]:
    """An EnvironmentFile as systemd reads it: KEY=value lines, comments, optional quotes."""
    out: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        key, sep, value = line.partition("=")
        assert sep and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key), f"dòng không hợp lệ trong {path.name}: {line}"
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        out[key] = value
    return out


@pytest.fixture(scope="module")
def units() -> dict[str, dict[str, dict[str, list[str]]]]:
    return {name: parse_unit(DEPLOY / name) for name in UNITS}


@pytest.fixture(scope="module")
def env_example() -> dict[str, str]:
    return parse_env(DEPLOY / "dondoc.env.example")


def gunicorn_settings(env: dict[str, str]) -> dict[str, Any]:
    saved = dict(os.environ)
    try:
        os.environ.update(env)
        return runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    finally:
        os.environ.clear()
        os.environ.update(saved)


def upstream_servers(nginx: str) -> list[str]:
    block = re.search(r"upstream\s+dondoc\s*\{(.*?)\}", nginx, re.S)
    assert block, "nginx: không có upstream dondoc"
    return re.findall(r"^\s*server\s+([^\s;]+)\s*;", block.group(1), re.M)


# --- the files agree with each other -------------------------------------------------------------------------------

def test_units_agree_with_gunicorn_settings_and_the_environment_file(units: Any, env_example: dict[str, str]) -> None:
    web, worker = units["dondoc-web.service"], units["dondoc-worker.service"]
    backup_unit = units["dondoc-backup.service"]
    for name in ["dondoc-web.service", "dondoc-worker.service", "dondoc-backup.service"]:
        service = units[name]["Service"]
        assert service["WorkingDirectory"] == [INSTALL], name
        assert service["EnvironmentFile"] == [ENV_FILE], name
        assert (service["User"], service["Group"]) == (["dondoc"], ["dondoc"]), name
        assert service["StateDirectory"] == ["dondoc"], name
        for key in ("ExecStart", "ExecStartPost", "ExecReload"):
            for line in service.get(key, []):
                binary = command(line)[0]
                assert binary.startswith((f"{INSTALL}/.venv/bin/", "/bin/")), f"{name} {key}: {binary}"
                if binary.startswith(INSTALL):  # the code's own entry points, installed in its virtualenv
                    assert (ROOT / binary.removeprefix(INSTALL + "/")).is_file(), binary
    # the web unit: gunicorn with the settings file of this folder and Django's WSGI application
    words = command(one(web, "Service", "ExecStart"))
    assert words[0] == f"{INSTALL}/.venv/bin/gunicorn"
    config = words[words.index("--config") + 1]
    assert config == f"{INSTALL}/deploy/gunicorn.conf.py" and (ROOT / "deploy" / "gunicorn.conf.py").is_file()
    assert words[-1] == "dondoc.wsgi:application" and (ROOT / "dondoc" / "wsgi.py").is_file()
    assert one(web, "Service", "Type") == "notify"  # gunicorn tells systemd when it is ready
    # the worker: the job queue's consumer, stopped gracefully by systemd's SIGTERM
    words = command(one(worker, "Service", "ExecStart"))
    assert words[:2] == [f"{INSTALL}/.venv/bin/dondoc", "run_huey"]
    assert words[words.index("--graceful-signal") + 1] == "TERM"
    # the backup: `dondoc backup` into the folder the unit may write, then `--check` of what it wrote
    words = command(one(backup_unit, "Service", "ExecStart"))
    assert words == [f"{INSTALL}/.venv/bin/dondoc", "backup", BACKUPS]
    assert backup_unit["Service"]["ReadWritePaths"] == [BACKUPS]
    assert "backup --check" in one(backup_unit, "Service", "ExecStartPost")
    assert one(units["dondoc-backup.timer"], "Install", "WantedBy") == "timers.target"

    # the environment file: the production profile, and what gunicorn and the units expect
    assert env_example["DJANGO_SETTINGS_MODULE"] == "dondoc.settings_production"
    for required in ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DONDOC_QUEUE", "DONDOC_BIND", "DONDOC_DATA_DIR"]:
        assert required in env_example, required
    assert env_example["DONDOC_QUEUE"].startswith("redis://")
    assert env_example["DONDOC_DATA_DIR"] == "/var/lib/" + one(web, "Service", "StateDirectory")
    # every variable it sets is read by dondoc's settings or by gunicorn's (no typo goes unnoticed)
    readers = "".join((ROOT / p).read_text(encoding="utf-8") for p in [
        "dondoc/settings.py", "dondoc/settings_production.py", "deploy/gunicorn.conf.py"])
    implicit = {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}  # read by Django and by dj_database_url.config()
    for key in env_example:
        assert key in implicit or f'"{key}"' in readers, f"{key} không được đọc ở đâu cả"
    # gunicorn listens where nginx sends the requests
    settings = gunicorn_settings(env_example)
    assert settings["bind"] == [env_example["DONDOC_BIND"]]
    assert settings["workers"] == int(env_example["WEB_CONCURRENCY"])
    assert settings["timeout"] == int(env_example["DONDOC_WEB_TIMEOUT"])
    nginx = re.sub(r"#[^\n]*", "", (DEPLOY / "nginx-dondoc.conf").read_text(encoding="utf-8"))  # no comments
    assert upstream_servers(nginx)[0] == env_example["DONDOC_BIND"]
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in nginx
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in nginx
    assert not re.search(r"location\s+[^{]*/files", nginx), "uploaded files must never be served by nginx"
    size = re.search(r"client_max_body_size\s+(\d+)m;", nginx)
    assert size and int(size.group(1)) >= 4096  # a one-stop-shop export of DONDOC_DOSSIER_MAX_MB


def test_nginx_site_is_valid(tmp_path: Path) -> None:
    nginx = shutil.which("nginx")
    if nginx is None:
        pytest.skip("nginx chưa được cài: bỏ qua `nginx -t` với deploy/nginx-dondoc.conf")
    site = (DEPLOY / "nginx-dondoc.conf").read_text(encoding="utf-8")
    site = site.replace("/etc/ssl/dondoc/", str(tmp_path) + "/").replace("/var/cache/nginx/dondoc-uploads",
                                                                         str(tmp_path / "uploads"))
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test",
                    "-keyout", str(tmp_path / "privkey.pem"), "-out", str(tmp_path / "fullchain.pem")],
                   check=True, capture_output=True)
    (tmp_path / "site.conf").write_text(site, encoding="utf-8")
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log; events {{}}\n"
        f"http {{ access_log off; client_body_temp_path {tmp_path}/body; proxy_temp_path {tmp_path}/proxy; "
        f"fastcgi_temp_path {tmp_path}/fastcgi; uwsgi_temp_path {tmp_path}/uwsgi; scgi_temp_path {tmp_path}/scgi; "
        f"include {tmp_path}/site.conf; }}\n", encoding="utf-8")
    result = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_systemd_analyze_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("không có systemd-analyze: bỏ qua kiểm tra các unit bằng `systemd-analyze verify`")
    env_file = tmp_path / "dondoc.env"
    shutil.copyfile(DEPLOY / "dondoc.env.example", env_file)
    for name in UNITS:  # the install paths moved to this checkout, so that the binaries it checks exist
        text = (DEPLOY / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text.replace(ENV_FILE, str(env_file)).replace(INSTALL, str(ROOT)),
                                     encoding="utf-8")
    result = subprocess.run([analyze, "verify", "--man=no", *[str(tmp_path / n) for n in UNITS]],
                            capture_output=True, text=True, cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    for complaint in ("Unknown key", "Unknown section", "Failed to parse", "ignoring", "not executable"):
        assert complaint not in output, output


# --- running the units' command lines -------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Installation:
    root: Path
    env: dict[str, str]  # the process environment a unit's command gets: the env file's variables, and PATH

    def run(self, words: list[str], **kw: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.run(words, env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=600, **kw)

    def host_path(self, text: str) -> str:
        """A unit's path as it is in this temporary installation."""
        return text.replace(INSTALL, str(ROOT)).replace(BACKUPS, str(self.root / "backups"))


@pytest.fixture(scope="module")
def installation(env_example: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Installation:
    """The environment file with its paths in a temporary folder; then docs/deploy.md's installation steps: the
    deployment checks pass, a fresh SQLite database is migrated, the static files are collected."""
    root = tmp_path_factory.mktemp("deploy")
    data = root / "data"
    values = {
        **env_example,
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CSRF_TRUSTED_ORIGINS": "https://127.0.0.1",
        "DONDOC_SITE_URL": "https://127.0.0.1",
        "DATABASE_URL": f"sqlite:///{data / 'dondoc.sqlite3'}",
        "DONDOC_DATA_DIR": str(data),
        "DONDOC_QUEUE": "sqlite",
        "DONDOC_BIND": f"127.0.0.1:{free_port()}",
        "WEB_CONCURRENCY": "2",
    }
    # like systemd: the unit's environment is the file's variables, not the test's (DJANGO_SETTINGS_MODULE …)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "HOME": str(root), **values}
    installed = Installation(root, env)
    dondoc = str(ROOT / ".venv" / "bin" / "dondoc")
    for words in ([dondoc, "check", "--deploy", "--fail-level", "WARNING"], [dondoc, "migrate", "--noinput", "-v0"],
                  [dondoc, "collectstatic", "--noinput", "-v0"]):
        result = installed.run(words)
        assert result.returncode == 0, result.stderr
    return installed


@pytest.fixture
def started() -> Iterator[Any]:
    """Start a unit's command in its own session; stopped with SIGTERM by the test, killed here if it did not."""
    processes: list[subprocess.Popen[str]] = []

    def start(words: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[str]:
        handle = log.open("w", encoding="utf-8")
        process = subprocess.Popen(words, env=env, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT, text=True,
                                   start_new_session=True)
        processes.append(process)
        return process

    yield start
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def stop(process: subprocess.Popen[str], log: Path) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        code = process.wait(timeout=STOP_WAIT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"tiến trình không dừng sau SIGTERM:\n{log.read_text(encoding='utf-8')[-3000:]}")
    assert code == 0, f"mã thoát {code} sau SIGTERM:\n{log.read_text(encoding='utf-8')[-3000:]}"


def wait_for_port(address: str, process: subprocess.Popen[str], log: Path) -> None:
    host, port = address.rsplit(":", 1)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn dừng khi khởi động:\n{log.read_text(encoding='utf-8')[-3000:]}")
        try:
            with socket.create_connection((host, int(port)), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"gunicorn không lắng nghe ở {address}:\n{log.read_text(encoding='utf-8')[-3000:]}")


def get(address: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes, Any]:
    host, port = address.rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
        response = connection.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body, response.msg
    finally:
        connection.close()


def test_web_unit_serves_https_behind_the_proxy(units: Any, installation: Installation, started: Any) -> None:
    words = [installation.host_path(w) for w in command(one(units["dondoc-web.service"], "Service", "ExecStart"))]
    log = installation.root / "web.log"
    gunicorn = started(words, installation.env, log)
    address = installation.env["DONDOC_BIND"]
    wait_for_port(address, gunicorn, log)
    https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}

    status, headers, body, message = get(address, "/dang-nhap/", https)
    assert status == 200, body[:500]
    assert b"<form" in body and "Đăng nhập".encode() in body
    assert headers["strict-transport-security"].startswith("max-age=")
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["cross-origin-opener-policy"] == "same-origin"
    assert "default-src 'self'" in headers["content-security-policy"]
    cookies = message.get_all("Set-Cookie") or []
    assert cookies and all("Secure" in c and "HttpOnly" in c for c in cookies), cookies

    status, headers, _, _ = get(address, "/dang-nhap/")  # plain HTTP: redirected to HTTPS
    assert status == 301 and headers["location"].startswith("https://127.0.0.1") \
        and headers["location"].endswith("/dang-nhap/")
    status, _, body, _ = get(address, "/healthz")  # the proxy's health check, over plain HTTP
    assert status == 200 and b'"ok": true' in body

    static = ROOT / "dondoc" / "web" / "static" / "dondoc" / "app.css"
    status, headers, body, _ = get(address, "/static/dondoc/app.css", https)
    assert status == 200 and body == static.read_bytes()
    assert headers["content-type"].startswith("text/css")
    assert get(address, "/files/anything.pdf", https)[0] in {302, 404}  # no uploaded file is served as a file

    stop(gunicorn, log)
    assert "Booting worker" in log.read_text(encoding="utf-8")


def test_worker_unit_takes_jobs_from_redis(units: Any, installation: Installation, started: Any) -> None:
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        if REQUIRE_REDIS:
            pytest.fail(f"Redis không kết nối được ở {REDIS_URL} (DONDOC_REQUIRE_REDIS=1): {exc}")
        pytest.skip(f"không có Redis ở {REDIS_URL} ({exc}): bỏ qua tiến trình xử lý hàng đợi "
                    "(DONDOC_REQUIRE_REDIS=1 để bắt buộc)")
    env = {**installation.env, "DONDOC_QUEUE": REDIS_URL}
    words = [installation.host_path(w) for w in command(one(units["dondoc-worker.service"], "Service", "ExecStart"))]
    log = installation.root / "worker.log"
    worker = started(words, env, log)
    try:
        time.sleep(3)  # it must stay up, connected to Redis
        assert worker.poll() is None, log.read_text(encoding="utf-8")
        # a web server enqueues a job (here: the daily report reminders) into Redis …
        enqueue = "from dondoc.reports.tasks import report_reminders\nprint('ma-viec', report_reminders().id)"
        result = subprocess.run([str(ROOT / ".venv" / "bin" / "dondoc"), "shell", "-c", enqueue], env=env, cwd=ROOT,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
        task_id = re.search(r"ma-viec (\S+)", result.stdout).group(1)  # type: ignore[union-attr]
        # … and the worker, reading the queue, runs it against the database (periodic jobs keep no result: its log
        # says it was done)
        done = re.compile(rf"report_reminders: {re.escape(task_id)} .*executed in")
        deadline = time.monotonic() + 120
        while not done.search(log.read_text(encoding="utf-8")) and time.monotonic() < deadline:
            assert worker.poll() is None, log.read_text(encoding="utf-8")
            time.sleep(0.5)
        output = log.read_text(encoding="utf-8")
        assert done.search(output), output
        assert "Traceback" not in output, output
        assert worker.poll() is None
        stop(worker, log)
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter("huey.*dondoc*"):
            client.delete(key)


def test_backup_unit_writes_and_checks_an_archive(units: Any, installation: Installation) -> None:
    service = units["dondoc-backup.service"]["Service"]
    (installation.root / "backups").mkdir(exist_ok=True)
    words = [installation.host_path(w) for w in command(one({"Service": service}, "Service", "ExecStart"))]
    result = installation.run(words)
    assert result.returncode == 0, result.stderr
    archives = list((installation.root / "backups").glob("dondoc-*.tar"))
    assert len(archives) == 1 and "Đã ghi bản sao lưu" in result.stdout
    words = [installation.host_path(w) for w in command(one({"Service": service}, "Service", "ExecStartPost"))]
    result = installation.run(words)
    assert result.returncode == 0 and "toàn vẹn" in result.stdout, result.stdout + result.stderr
