"""`make bench`: generate a school, serve it with gunicorn, load each page and print the figures.

Steps, each bounded and on 127.0.0.1 only: migrate and generate a small school (10 pairs) and a full one
(400 pairs, 10,000 meetings) into SQLite files; count the SQL queries of each page in-process at both
sizes; serve the full school with gunicorn (and a bare hello-world with the same settings); log in as the
coordinator, a mentor and a mentee; load every page for DURATION seconds with wrk (or, without wrk, a
bounded thread pool of http.client); print requests/s, p50 and p95 beside the floor and hello-world, and
the budgets as PASS/FAIL. It is a benchmark, not a test: a FAIL is reported, the command still succeeds.

With --postgres URL the municipality (--schools schools of the same size) is generated there in a
background process after the SQLite load, and the same pages are loaded again against it.

--only TITLE… loads just those pages (by their titles in `pages`), still with the floor and hello-world to
judge them by: `run.py --only "публичные: наставники" "публичные: доска почёта" "публичные: копилка"`.
"""
import argparse
import http.client
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

DURATION = 10
CONNECTIONS = 4  # two per sync worker: enough to keep both busy without measuring a queue
WORKERS = 2
SECRET_KEY = "benchmark-only-secret-key-not-for-production"
LUA = HERE / "report.lua"
# url → page → milliseconds of the page computed in-process (no HTTP, no kept figures), by query_counts.
COLD_MS: dict[str, dict[str, float]] = {}
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The login of a page asked without one (the public pages): no session, served by the portal itself.
ANONYMOUS = ""
# Pages that need no session must do at least as well as the floor, which does (issue 17).
AT_LEAST_THE_FLOOR = ("публичные: наставники", "публичные: доска почёта", "публичные: копилка")
# Always measured, whatever --only picks: the figures every page is judged against.
BASELINE = ("hello-world", "пол (floor)")
# --only TITLE…: measure only these pages (and BASELINE); empty is every page.
ONLY: tuple[str, ...] = ()


def pages(school: int, pair_id: int) -> list[tuple[str, str, str, dict]]:
    """(title, login, path, extra headers); None login is hello-world, served by its own gunicorn; ANONYMOUS
    is the portal without a session."""
    return [
        ("hello-world", None, "/", {}),
        ("пол (floor)", f"bench{school}-coordinator", "/bench/floor", {}),
        ("дашборд координатора", f"bench{school}-coordinator", "/coordinator/dashboard", {}),
        ("выбор наставника", f"bench{school}-mentee", "/mentee/choice", {}),
        ("журнал встреч", f"bench{school}-mentor", f"/mentor/pairs/{pair_id}", {}),
        ("уведомления", f"bench{school}-mentee", "/inbox/", {}),
        ("htmx: поиск людей", f"bench{school}-coordinator", "/staff/people?q=%D0%98%D0%B2",
         {"HX-Request": "true"}),
        ("публичные: наставники", ANONYMOUS, "/public/mentors", {}),
        ("публичные: доска почёта", ANONYMOUS, "/public/honour", {}),
        ("публичные: копилка", ANONYMOUS, "/public/bank", {}),
    ]


def chosen(school: int, pair_id: int) -> list[tuple[str, str, str, dict]]:
    """The pages of this run: all of them, or BASELINE and those --only names."""
    return [page for page in pages(school, pair_id) if not ONLY or page[0] in BASELINE or page[0] in ONLY]


def first_pair(url: str, school: int) -> int:
    from portal.db import database_from_url, db
    from portal.models import Mentorship, MentoringFormat
    database = database_from_url(url)
    db.initialize(database)
    with database.connection_context():
        pair = (Mentorship.select(Mentorship.id).join(MentoringFormat)
                .where(MentoringFormat.school == school).order_by(Mentorship.id).first())
    if hasattr(database, "close_all"):
        database.close_all()
    return pair.id


# --- query counts, in-process ----------------------------------------------------------------------

def query_counts(url: str, school: int, pair_id: int) -> dict[str, object]:
    """Statements each page runs, through the test client and a counting wrapper on execute_sql.

    The app keeps no dashboard figures and no journal data (DASHBOARD_CACHE, JOURNAL_CACHE off), so these
    are the figures of the computation, not of its kept copy; each page is asked once first (templates
    compiled), then counted, and COLD_MS keeps that second request's in-process time."""
    from bench_app import make_app
    from portal.db import db
    app = make_app({"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY, "INSTANCE_PATH": Path(tempfile.mkdtemp()),
                    "DASHBOARD_CACHE": False, "JOURNAL_CACHE": False})
    counts = {}
    clients = {}
    database = db.obj
    original = database.execute_sql
    for title, login, path, headers in chosen(school, pair_id):
        if login is None:
            continue
        if login not in clients:
            clients[login] = app.test_client()
            if login != ANONYMOUS:
                log_in(clients[login], login)
        clients[login].get(path, headers=headers)
        statements = []

        def counting(sql, *args, **kwargs):
            statements.append(sql)
            return original(sql, *args, **kwargs)
        database.execute_sql = counting
        started = time.perf_counter()
        try:
            response = clients[login].get(path, headers=headers)
        finally:
            del database.execute_sql
        COLD_MS.setdefault(url, {})[title] = (time.perf_counter() - started) * 1000
        counts[title] = len(statements) if response.status_code == 200 else f"HTTP {response.status_code}"
    if hasattr(database, "close_all"):
        database.close_all()
    return counts


def log_in(client, login: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = CSRF_RE.search(page).group(1)
    response = client.post("/login", data={"login": login, "password": generate.PASSWORD, "csrf_token": token})
    if response.status_code != 303:
        raise SystemExit(f"bench: вход {login} не удался (HTTP {response.status_code})")


# --- the live server -------------------------------------------------------------------------------

def serve(app_spec: str, port: int, env: dict, log: Path) -> subprocess.Popen:
    command = [str(Path(sys.executable).parent / "gunicorn"), "--chdir", str(HERE), "--workers", str(WORKERS),
               "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--graceful-timeout", "2", app_spec]
    # Started in tools/bench/, where gunicorn finds no gunicorn.conf.py: the project's own (gthread, an access
    # line a request, a worker replaced every ~2,000 requests — a 1.5 s boot every few seconds at these rates)
    # would otherwise be read from the working directory and measure worker restarts, not the pages.
    process = subprocess.Popen(command, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, cwd=HERE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"bench: gunicorn не запустился, см. {log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("bench: gunicorn не ответил за 30 с")


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def request(port: int, path: str, headers: dict, method="GET", body=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheader("Set-Cookie") or "", response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def session_cookie(port: int, login: str) -> str:
    """Log in over HTTP the way a browser does; returns the Cookie header of the new session."""
    status, cookie, page = request(port, "/login", {})
    token = CSRF_RE.search(page).group(1)
    jar = cookie.split(";")[0]
    from urllib.parse import urlencode
    body = urlencode({"login": login, "password": generate.PASSWORD, "csrf_token": token})
    status, cookie, _ = request(port, "/login", {"Cookie": jar, "Content-Type": "application/x-www-form-urlencoded"},
                                "POST", body)
    if status != 303:
        raise SystemExit(f"bench: вход {login} по HTTP не удался (HTTP {status})")
    return cookie.split(";")[0]


# --- load ------------------------------------------------------------------------------------------

def load_wrk(port: int, path: str, headers: dict) -> dict:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--timeout", "5s", "-s", str(LUA)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(command + [f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True,
                         timeout=DURATION + 30).stdout
    line = next(line for line in out.splitlines() if line.startswith("BENCH "))
    requests, micros, p50, p95, errors = line.split()[1:]
    return {"rps": int(requests) / (int(micros) / 1e6), "p50": float(p50) / 1000, "p95": float(p95) / 1000,
            "errors": int(errors)}


def load_python(port: int, path: str, headers: dict) -> dict:
    """Without wrk: CONNECTIONS threads, each sending requests back to back until DURATION runs out."""
    deadline = time.monotonic() + DURATION
    latencies, errors, lock = [], [0], threading.Lock()

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status < 400
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                ok = False
            with lock:
                latencies.append((time.perf_counter() - started) * 1000) if ok else None
                errors[0] += 0 if ok else 1
        connection.close()

    started = time.monotonic()
    with ThreadPoolExecutor(CONNECTIONS) as pool:
        for _ in range(CONNECTIONS):
            pool.submit(worker)
    elapsed = time.monotonic() - started
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0] * 99
    return {"rps": len(latencies) / elapsed, "p50": cuts[49], "p95": cuts[94], "errors": errors[0]}


def measure(label: str, url: str, school: int, env: dict, workdir: Path) -> dict:
    """Serve the database at `url`, load every page, return {title: figures or a note}."""
    pair_id = first_pair(url, school)
    env = dict(env, DATABASE_URL=url)
    load = load_wrk if shutil.which("wrk") else load_python
    results = {}
    app_server = hello_server = None
    try:
        app_port, hello_port = free_port(), free_port()
        app_server = serve("bench_app:make_app()", app_port, env, workdir / f"gunicorn-{label}.log")
        hello_server = serve("hello:app", hello_port, env, workdir / f"gunicorn-hello-{label}.log")
        cookies = {}
        for title, login, path, headers in chosen(school, pair_id):
            port = hello_port if login is None else app_port
            if login and login not in cookies:
                cookies[login] = session_cookie(app_port, login)
            headers = dict(headers, **({"Cookie": cookies[login]} if login else {}))
            status, _, _ = request(port, path, headers)
            if status != 200:
                results[title] = "нет страницы" if status == 404 else f"HTTP {status}"
                print(f"  {title}: {results[title]}", flush=True)
                continue
            results[title] = load(port, path, headers)
            r = results[title]
            print(f"  {title}: {r['rps']:.0f} запр/с, p50 {r['p50']:.1f} мс, p95 {r['p95']:.1f} мс", flush=True)
    finally:
        stop(app_server)
        stop(hello_server)
    return results


# --- report ----------------------------------------------------------------------------------------

def report(label: str, results: dict, counts: dict, cold: dict | None = None) -> None:
    """`cold`: a page computed in-process at school size — the dashboard's figures computed, not kept."""
    floor = results.get("пол (floor)")
    cold = cold or {}
    print(f"\n== {label} ==")
    print(f"{'страница':24} {'запр/с':>8} {'p50, мс':>8} {'p95, мс':>8} {'SQL 10':>7} {'SQL 400':>8} "
          f"{'расчёт, мс':>10}  бюджеты")
    for title, figures in results.items():
        small, large = counts.get("small", {}).get(title, "—"), counts.get("school", {}).get(title, "—")
        first = f"{cold[title]:.0f}" if title in cold else "—"
        if isinstance(figures, str):
            print(f"{title:24} {figures:>26} {small!s:>7} {large!s:>8} {first:>10}")
            continue
        verdicts = []
        hello = results.get("hello-world")
        if title == "пол (floor)" and isinstance(hello, dict):
            verdicts.append(("≥15 % hello", figures["rps"] >= hello["rps"] * 0.15))
        if isinstance(floor, dict) and title in AT_LEAST_THE_FLOOR:
            verdicts.append(("≥ пола", figures["rps"] >= floor["rps"]))
        elif isinstance(floor, dict) and title not in ("hello-world", "пол (floor)"):
            verdicts.append(("≥½ пола", figures["rps"] >= floor["rps"] / 2))
        if title != "hello-world":
            verdicts.append(("p95<100", figures["p95"] < 100))
            if isinstance(small, int) and isinstance(large, int):
                verdicts.append(("SQL =", small == large))
        marks = " ".join(f"{name} {'PASS' if ok else 'FAIL'}" for name, ok in verdicts)
        errors = f" (ошибок {figures['errors']})" if figures["errors"] else ""
        print(f"{title:24} {figures['rps']:8.0f} {figures['p50']:8.1f} {figures['p95']:8.1f} "
              f"{small!s:>7} {large!s:>8} {first:>10}  {marks}{errors}")


def main(argv=None) -> None:
    global DURATION, ONLY
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=DURATION, help="seconds of load per page")
    parser.add_argument("--postgres", help="postgresql://… of a throwaway database for the municipality")
    parser.add_argument("--schools", type=int, default=10, help="schools in the municipality (issue: 100)")
    parser.add_argument("--reuse", action="store_true",
                        help="measure the municipality already generated in --postgres (generate.py … --fresh)")
    parser.add_argument("--only", nargs="+", metavar="TITLE", default=[],
                        help="measure only these pages (by title, e.g. «публичные: копилка»), always with the floor "
                             "and hello-world")
    args = parser.parse_args(argv)
    known = [title for title, *_ in pages(1, 0)]
    unknown = [title for title in args.only if title not in known]
    if unknown:
        parser.error("нет таких страниц: " + ", ".join(unknown) + ". Есть: " + "; ".join(known))
    ONLY = tuple(args.only)
    DURATION = max(1, min(args.duration, 60))
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="nastavnik-bench-"))
    env = {"PATH": "/usr/bin:/bin", "SECRET_KEY": SECRET_KEY, "PORTAL_INSTANCE": str(workdir)}
    print(f"bench: рабочая папка {workdir}; нагрузка {'wrk' if shutil.which('wrk') else 'Python (wrk нет)'}, "
          f"{DURATION} с на страницу, {CONNECTIONS} соединений, gunicorn {WORKERS} воркера"
          + (f"; только: {', '.join(ONLY)}" if ONLY else ""), flush=True)
    background = None
    try:
        counts = {}
        for size in ("small", "school"):
            url = f"sqlite:///{workdir / (size + '.db')}"
            generate.main([url, "--size", size, "--fresh"])
            counts[size] = query_counts(url, 1, first_pair(url, 1))
        print("bench: школа (SQLite, 400 пар, 10 000 встреч)", flush=True)
        school_url = f"sqlite:///{workdir / 'school.db'}"
        results = measure("sqlite", school_url, 1, env, workdir)
        report("Школа, SQLite", results, counts, COLD_MS.get(school_url))
        if args.postgres and args.reuse:
            print("\nbench: муниципалитет в PostgreSQL, сгенерированный заранее", flush=True)
            results = measure("postgres", args.postgres, 1, env, workdir)
            report("Муниципалитет, PostgreSQL, страницы школы № 1", results, counts)
        elif args.postgres:
            print(f"\nbench: муниципалитет, {args.schools} шк. в PostgreSQL — генерация в фоне", flush=True)
            gen_log = workdir / "generate-postgres.log"
            gen_started = time.monotonic()
            background = subprocess.Popen([sys.executable, str(HERE / "generate.py"), args.postgres,
                                           "--schools", str(args.schools), "--fresh"],
                                          stdout=gen_log.open("w"), stderr=subprocess.STDOUT)
            background.wait(timeout=60 * 30)
            if background.returncode != 0:
                raise SystemExit(f"bench: генерация в PostgreSQL не удалась, см. {gen_log}")
            print(f"bench: сгенерировано за {time.monotonic() - gen_started:.0f} с", flush=True)
            results = measure("postgres", args.postgres, 1, env, workdir)
            report(f"Муниципалитет, PostgreSQL ({args.schools} шк.), страницы школы № 1", results, counts)
    finally:
        if background is not None and background.poll() is None:
            background.terminate()
            background.wait(timeout=10)
    shutil.rmtree(workdir, ignore_errors=True)  # kept only when a step failed, for its logs
    print(f"\nbench: всего {time.monotonic() - started:.0f} с", flush=True)


if __name__ == "__main__":
    main()
