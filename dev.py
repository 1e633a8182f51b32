#!/usr/bin/env python3
"""Developer entry point for hazardtrack. Standard library only, runs with the system Python 3.11.

    python3 dev.py run [--port 8000]   venv + dependencies + messages + migrate + demo data,
                                       then the web server and a Celery worker (with beat)
    python3 dev.py test [pytest args]  venv + test dependencies + messages, then pytest
    python3 dev.py setup               venv + runtime dependencies + messages, nothing else
    python3 dev.py messages            compile locale/*.po into .mo (no venv needed)

Nothing has to be installed first: without DATABASE_URL / REDIS_URL the settings use SQLite
and a filesystem broker under var/. See README.md.
"""
from __future__ import annotations

import argparse
import ast
import hashlib
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VENV_PYTHON = VENV / "bin" / "python"
STAMP_DIR = ROOT / "var"
WANTED_PYTHON = (3, 11)

DEMO_ACCOUNTS = [  # the main ones; `manage.py seed_demo` prints them all (demo/seed.py)
    ("admin", "系统管理员 administrator, whole province; also /admin/"),
    ("inspector", "张检查 inspector 检查员, 新邵县"),
    ("supervisor", "王督办 supervisor 督办, 新邵县"),
    ("city", "赵市督 city supervisor 市级督办, 邵阳市"),
    ("enterprise", "刘安全 enterprise contact 企业整改责任人"),
    ("inspector2", "陈衡检 inspector of another county, 衡阳市石鼓区"),
]
DEMO_PASSWORD = "demo12345"


def say(message: str) -> None:
    print(f"[dev] {message}", flush=True)


# --- virtual environment and dependencies ------------------------------------------------


def _base_python() -> str:
    """The interpreter the venv is made from: this one if it is 3.11, else python3.11 on PATH."""
    if sys.version_info[:2] == WANTED_PYTHON:
        return sys.executable
    found = shutil.which("python%d.%d" % WANTED_PYTHON)
    if found:
        return found
    say("warning: Python %d.%d not found; using %s" % (*WANTED_PYTHON, sys.version.split()[0]))
    return sys.executable


def ensure_venv() -> None:
    if VENV_PYTHON.exists():
        return
    say(f"creating virtual environment in {VENV.relative_to(ROOT)}/")
    try:
        subprocess.run([_base_python(), "-m", "venv", str(VENV)], check=True)
    except BaseException:
        shutil.rmtree(VENV, ignore_errors=True)  # a half-made venv would pass the check above
        raise


def _requirement_files(path: Path, seen: set[Path] | None = None) -> list[Path]:
    """The file and every file it includes with -r / -c, in order."""
    seen = seen if seen is not None else set()
    if path in seen:
        return []
    seen.add(path)
    files = [path]
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\s*(?:-r|-c|--requirement|--constraint)[\s=]+(\S+)", line)
        if match:
            files += _requirement_files((path.parent / match.group(1)).resolve(), seen)
    return files


def _requirements_digest(req: Path) -> str:
    digest = hashlib.sha256()
    # A venv made anew (deleted, or another Python) must be filled again even if the stamp stays.
    cfg = VENV / "pyvenv.cfg"
    digest.update(cfg.read_bytes() if cfg.exists() else b"")
    digest.update(str(cfg.stat().st_mtime_ns if cfg.exists() else 0).encode())
    for path in _requirement_files(req.resolve()):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def ensure_requirements(req_name: str) -> None:
    """pip install -r REQ unless the same file was installed into this venv already."""
    req = ROOT / req_name
    stamp = STAMP_DIR / f".installed-{req.name}.sha256"
    digest = _requirements_digest(req)
    if stamp.exists() and stamp.read_text().strip() == digest:
        return
    say(f"installing {req_name} into .venv (once per change of the file)")
    subprocess.run(
        [str(VENV_PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-r", str(req)],
        check=True,
        cwd=ROOT,
    )
    STAMP_DIR.mkdir(exist_ok=True)
    stamp.write_text(digest + "\n")


# --- message catalogs: a small msgfmt, so no gettext binary is needed ------------------------


def _parse_po(text: str) -> dict[bytes, bytes]:
    """Translated, non-fuzzy entries of a .po file as {msgid: msgstr} in .mo key form.

    Context is `ctxt\\x04msgid`; plurals are `msgid\\0msgid_plural` -> `str0\\0str1...`.
    The header (msgid "") is always kept: it carries the charset and Plural-Forms.
    """
    entries: dict[bytes, bytes] = {}
    entry: dict = {}
    section = ""

    def flush() -> None:
        nonlocal entry, section
        if "msgid" in entry:
            plurals = entry.get("msgstr[]", {})
            if "msgid_plural" in entry:
                key = entry["msgid"] + "\0" + entry["msgid_plural"]
                values = [plurals[i] for i in sorted(plurals)]
                msgstr, translated = "\0".join(values), bool(values) and all(values)
            else:
                key, msgstr = entry["msgid"], entry.get("msgstr", "")
                translated = bool(msgstr)
            if "msgctxt" in entry:
                key = entry["msgctxt"] + "\x04" + key
            if key == "" or (translated and not entry.get("fuzzy")):
                entries[key.encode("utf-8")] = msgstr.encode("utf-8")
        entry, section = {}, ""

    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("#~"):
            continue  # obsolete entry
        if line.startswith("#"):
            if "msgid" in entry:
                flush()  # comments open the next entry
            if line.startswith("#,") and "fuzzy" in line[2:].replace(",", " ").split():
                entry["fuzzy"] = True
            continue
        keyword, rest = ("", line) if line.startswith('"') else line.split(None, 1) if " " in line else (line, "")
        try:
            value = ast.literal_eval(rest.strip())
        except (SyntaxError, ValueError) as exc:
            raise ValueError(f"line {lineno}: cannot read {raw!r}") from exc
        if not isinstance(value, str):
            raise ValueError(f"line {lineno}: expected a quoted string")
        if not keyword:  # continuation of the previous string
            if not section:
                raise ValueError(f"line {lineno}: string outside an entry")
            if section.startswith("msgstr["):
                entry["msgstr[]"][int(section[7:-1])] += value
            else:
                entry[section] += value
        elif keyword in ("msgctxt", "msgid"):
            if "msgid" in entry or (keyword == "msgctxt" and "msgctxt" in entry):
                fuzzy = entry.get("fuzzy") if "msgid" not in entry else None
                flush()
                if fuzzy:
                    entry["fuzzy"] = True
            entry[keyword], section = value, keyword
        elif keyword in ("msgid_plural", "msgstr"):
            entry[keyword], section = value, keyword
        elif re.fullmatch(r"msgstr\[\d+\]", keyword):
            entry.setdefault("msgstr[]", {})[int(keyword[7:-1])] = value
            section = keyword
        else:
            raise ValueError(f"line {lineno}: unknown keyword {keyword!r}")
    flush()
    return entries


def _mo_bytes(entries: dict[bytes, bytes]) -> bytes:
    """GNU .mo layout (as CPython's Tools/i18n/msgfmt.py writes it), keys sorted."""
    keys = sorted(entries)
    ids = strs = b""
    offsets = []
    for key in keys:
        offsets.append((len(ids), len(key), len(strs), len(entries[key])))
        ids += key + b"\0"
        strs += entries[key] + b"\0"
    keystart = 7 * 4 + 16 * len(keys)
    valuestart = keystart + len(ids)
    koffsets: list[int] = []
    voffsets: list[int] = []
    for o1, l1, o2, l2 in offsets:
        koffsets += [l1, o1 + keystart]
        voffsets += [l2, o2 + valuestart]
    header = struct.pack("Iiiiiii", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + len(keys) * 8, 0, 0)
    return header + struct.pack("%di" % len(koffsets + voffsets), *(koffsets + voffsets)) + ids + strs


def compile_messages(force: bool = False) -> int:
    """Compile every locale/<lang>/LC_MESSAGES/*.po (project and app folders) that changed."""
    catalogs = sorted(ROOT.glob("locale/*/LC_MESSAGES/*.po")) + sorted(ROOT.glob("*/locale/*/LC_MESSAGES/*.po"))
    compiled = 0
    for po in catalogs:
        if ".venv" in po.parts:
            continue
        mo = po.with_suffix(".mo")
        if not force and mo.exists() and mo.stat().st_mtime_ns >= po.stat().st_mtime_ns:
            continue
        try:
            entries = _parse_po(po.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise SystemExit(f"[dev] {po.relative_to(ROOT)}: {exc}")
        tmp = mo.with_suffix(".mo.tmp")
        tmp.write_bytes(_mo_bytes(entries))
        tmp.replace(mo)
        compiled += 1
        say(f"compiled {po.relative_to(ROOT)} ({len(entries) - (b'' in entries)} messages)")
    return compiled


# --- commands ------------------------------------------------------------------------------


def manage(*args: str) -> None:
    subprocess.run([str(VENV_PYTHON), "manage.py", *args], check=True, cwd=ROOT)


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"
    env["PATH"] = f"{VENV / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(VENV)
    return env


def cmd_setup(requirements: str = "requirements.txt") -> None:
    ensure_venv()
    ensure_requirements(requirements)
    compile_messages()


def _has_command(name: str) -> bool:
    return any(ROOT.glob(f"*/management/commands/{name}.py"))


class Supervisor:
    """Runs a few long-lived children, each in its own process group, and stops them together."""

    def __init__(self) -> None:
        self.children: list[tuple[str, subprocess.Popen]] = []
        self.stop_requested = 0

    def start(self, name: str, argv: list[str]) -> None:
        say(f"starting {name}: {' '.join(argv)}")
        # Own session: a Ctrl-C reaches only dev.py, which then stops each group as a whole
        # (runserver's reloader and Celery's pool and beat are grandchildren).
        proc = subprocess.Popen(argv, cwd=ROOT, env=child_env(), start_new_session=True)
        self.children.append((name, proc))

    def on_signal(self, signum, frame) -> None:
        self.stop_requested += 1
        if self.stop_requested > 1:
            say("second interrupt: killing everything now")
            self._signal_all(signal.SIGKILL)

    def _signal_all(self, sig: int) -> None:
        for _, proc in self.children:
            # Leftovers of a group whose leader died (orphaned pool workers) get no polite SIGINT.
            group_sig = signal.SIGTERM if sig == signal.SIGINT and proc.poll() is not None else sig
            try:
                os.killpg(proc.pid, group_sig)
            except ProcessLookupError:
                pass

    def _groups_alive(self) -> list[str]:
        alive = []
        for name, proc in self.children:
            proc.poll()  # reap the leader so an empty group reads as gone
            try:
                os.killpg(proc.pid, 0)
                alive.append(name)
            except ProcessLookupError:
                pass
            except PermissionError:
                alive.append(name)
        return alive

    def _wait_groups(self, seconds: float) -> list[str]:
        deadline = time.monotonic() + seconds
        while True:
            alive = self._groups_alive()
            if not alive or time.monotonic() >= deadline:
                return alive
            time.sleep(0.1)

    def stop_all(self) -> None:
        # As a terminal's Ctrl-C would: SIGINT to each group; then SIGTERM; then SIGKILL.
        # Celery's warm shutdown (finish running tasks, stop beat) can take ~20 s on a busy machine.
        for sig, grace in ((signal.SIGINT, 40.0), (signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
            if not self._groups_alive():
                break
            self._signal_all(sig)
            alive = self._wait_groups(grace)
            if alive and sig != signal.SIGKILL:
                say(f"still running after {signal.Signals(sig).name}: {', '.join(alive)}")
        for _, proc in self.children:
            try:
                proc.wait(timeout=1)
            except subprocess.TimeoutExpired:
                pass
        say("all processes stopped")

    def first_exited(self) -> tuple[str, int] | None:
        for name, proc in self.children:
            code = proc.poll()
            if code is not None:
                return name, code
        return None


def _wait_until_up(url: str, supervisor: Supervisor, seconds: float = 90) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if supervisor.stop_requested or supervisor.first_exited():
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


def _banner(base_url: str) -> None:
    width = max(len(user) for user, _ in DEMO_ACCOUNTS)
    lines = [
        "",
        "=" * 68,
        f"  hazardtrack 隐患排查治理系统 is running at {base_url}/",
        f"  log in at {base_url}/accounts/login/   admin: {base_url}/admin/",
        f"  demo accounts (password {DEMO_PASSWORD}):",
        *[f"    {user.ljust(width)}  {role}" for user, role in DEMO_ACCOUNTS],
        "  Ctrl-C stops the web server and the Celery worker.",
        "=" * 68,
        "",
    ]
    print("\n".join(lines), flush=True)


def cmd_run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="dev.py run", description="Run hazardtrack locally.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--no-worker", action="store_true", help="web server only")
    args = parser.parse_args(argv)

    cmd_setup("requirements.txt")
    manage("migrate", "--noinput")
    if _has_command("seed_demo"):
        manage("seed_demo")
    else:
        say("seed_demo is not available yet: no demo data loaded")

    supervisor = Supervisor()
    signal.signal(signal.SIGINT, supervisor.on_signal)
    signal.signal(signal.SIGTERM, supervisor.on_signal)
    python = str(VENV_PYTHON)
    supervisor.start("web", [python, "manage.py", "runserver", f"{args.host}:{args.port}"])
    if not args.no_worker:
        supervisor.start(
            "worker", [python, "-m", "celery", "-A", "hazardtrack", "worker", "-B", "--loglevel=INFO"]
        )

    base_url = f"http://{args.host}:{args.port}"
    if _wait_until_up(f"{base_url}/healthz", supervisor):
        _banner(base_url)

    exit_code = 0
    while not supervisor.stop_requested:
        exited = supervisor.first_exited()
        if exited:
            name, code = exited
            say(f"{name} exited with code {code}; stopping the rest")
            # A child killed by a signal reads as 128+N, like a shell; a clean exit still fails.
            exit_code = code if code > 0 else 128 - code if code < 0 else 1
            break
        time.sleep(0.3)
    else:
        say("stopping: the Celery worker finishes its running tasks first; Ctrl-C again kills at once")
    supervisor.stop_all()
    return exit_code


def cmd_test(argv: list[str]) -> int:
    cmd_setup("requirements-dev.txt")
    env = child_env()
    say("running pytest " + " ".join(argv))
    # pytest's own exit code is passed on unchanged (5 = no tests collected is a failure).
    return subprocess.run([str(VENV_PYTHON), "-m", "pytest", *argv], cwd=ROOT, env=env).returncode


def main(argv: list[str]) -> int:
    commands = ("run", "test", "setup", "messages")
    if not argv or argv[0] not in commands:
        print(__doc__.strip())
        return 2
    command, rest = argv[0], argv[1:]
    try:
        if command == "run":
            return cmd_run(rest)
        if command == "test":
            return cmd_test(rest)
        if command == "setup":
            cmd_setup("requirements-dev.txt" if "--dev" in rest else "requirements.txt")
            return 0
        compile_messages(force="--force" in rest)
        return 0
    except subprocess.CalledProcessError as exc:
        say(f"failed ({exc.returncode}): {' '.join(map(str, exc.cmd))}")
        return exc.returncode or 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
