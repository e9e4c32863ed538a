#!/usr/bin/env python3
"""Crash-restart test: nothing the server acknowledged is lost.

    scripts/crash-restart.py --bin .build/debug/rectify --cycles 10 [--writers 8] [--seed 1]

Starts `rectify serve` on a fresh data directory (SQLite, or PostgreSQL when DATABASE_URL
is set), runs concurrent writers against the JSON API, kills the server with SIGKILL at
seeded random moments (every --term-every-th cycle with SIGTERM, which must end the process
by itself within 15 s, status 0, no trap), restarts it, and after the last cycle checks:
every acknowledged (2xx) write is in the database exactly once with its audit event,
`rectify audit verify` passes, the evidence directory matches the evidence_files rows
(no missing or corrupt file, no orphan, no temp file), no 5xx, no trap in any server log.
Python 3 stdlib only; talks to 127.0.0.1 only. Exits non-zero on any failed check.
"""
import argparse, collections, datetime, hashlib, http.client, json, os, random, re, signal
import socket, sqlite3, subprocess, sys, tempfile, threading, time, uuid

TRAPS = ("Fatal error", "Unexpectedly found nil")
REQUEST_TIMEOUT = 10
OFFICE, UNIT, ACCEPTOR = "office", "unit", "acceptor"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One `rectify serve` process at a time, each start logging to its own file."""

    def __init__(self, binary, work, port, env):
        self.binary, self.work, self.port, self.env = binary, work, port, env
        self.proc, self.starts, self.logs = None, 0, []

    def start(self):
        self.starts += 1
        path = os.path.join(self.work, f"server-{self.starts:03d}.log")
        self.logs.append(path)
        log = open(path, "wb")
        self.proc = subprocess.Popen([self.binary, "serve", "--port", str(self.port)], env=self.env,
                                     stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()

    def wait_healthy(self, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline and self.proc.poll() is None:
            try:
                if request(self.port, "GET", "/healthz", timeout=2)[0] == 200:
                    return True
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.05)
        return False

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def terminate(self, timeout=15.0):
        """SIGTERM; returns (exited by itself, exit status, seconds)."""
        t0 = time.time()
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=timeout)
            return True, rc, time.time() - t0
        except subprocess.TimeoutExpired:
            self.kill9()
            return False, None, time.time() - t0

    def scan_log(self):
        """Lines of the current log showing a trap (Swift runtime error), and error-level lines."""
        with open(self.logs[-1], "rb") as f:
            lines = f.read().decode("utf-8", "replace").splitlines()
        found = lambda words: [f"{os.path.basename(self.logs[-1])}: {l.strip()[:200]}" for l in lines if any(w in l for w in words)]
        return found(TRAPS), found(("[ ERROR ]", "[ CRITICAL ]"))


def request(port, method, path, body=None, token=None, ctype="application/json", timeout=REQUEST_TIMEOUT,
            cookie=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = dict(headers or {}, Connection="close")
        if token:
            headers["Authorization"] = "Bearer " + token
        if cookie:
            headers["Cookie"] = cookie
        if body is not None:
            if not isinstance(body, bytes):
                body = json.dumps(body).encode()
            headers["Content-Type"] = ctype
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        if method == "POST" and path == "/login":
            return resp.status, resp.getheader("Set-Cookie") or ""
        return resp.status, data
    finally:
        conn.close()


class Stats:
    """What the writers saw: acknowledged writes with their markers, and every failure."""

    def __init__(self):
        self.lock = threading.Lock()
        self.acked = []                            # (kind, marker, info dict)
        self.attempts = collections.Counter()
        self.conn_errors = collections.Counter()
        self.timeouts = collections.Counter()
        self.client4xx = collections.Counter()     # (kind, status, code)
        self.server5xx = collections.Counter()     # (kind, status, code: message)
        self.reports = []                          # acknowledged report ids, for office review

    def count(self, counter, key):
        with self.lock:
            counter[key] += 1

    def ack(self, kind, marker, **info):
        with self.lock:
            self.acked.append((kind, marker, info))
            if kind == "report":
                self.reports.append(info["id"])


class Writer(threading.Thread):
    """Does one random write after another until told to stop; records what was acknowledged."""

    OPS = [("report", 30), ("evidence", 30), ("completion", 10), ("acceptFail", 10),
           ("verification", 10), ("review", 8), ("claim", 3), ("round", 1)]

    def __init__(self, n, port, tokens, plan, stats, stop, seed):
        super().__init__(name=f"writer-{n}", daemon=True)
        self.port, self.tokens, self.plan, self.stats, self.stop = port, tokens, plan, stats, stop
        self.rng = random.Random(seed)

    def call(self, kind, role, path, body=None, ctype="application/json"):
        """POSTs; returns the JSON answer of a 2xx, else None (and counts why)."""
        self.stats.count(self.stats.attempts, kind)
        try:
            status, data = request(self.port, "POST", path, body, token=self.tokens[role], ctype=ctype)
        except (socket.timeout, TimeoutError):
            self.stats.count(self.stats.timeouts, kind)
            return None
        except (OSError, http.client.HTTPException):
            self.stats.count(self.stats.conn_errors, kind)
            time.sleep(0.05)    # the server is down or restarting
            return None
        if 200 <= status < 300:
            return json.loads(data) if data else {}
        try:
            e = json.loads(data)
            code, why = e.get("code"), f"{e.get('code')}: {e.get('message', '')[:120]}"
        except (ValueError, AttributeError):
            code = why = data[:120].decode("utf-8", "replace")
        if status >= 500:
            self.stats.count(self.stats.server5xx, (kind, status, why))
        else:
            self.stats.count(self.stats.client4xx, (kind, status, code))
        return None

    def run(self):
        kinds, weights = zip(*self.OPS)
        while not self.stop.is_set():
            kind = self.rng.choices(kinds, weights)[0]
            marker, pick = str(uuid.uuid4()), lambda tasks: self.rng.choice(self.plan[tasks])
            text = f"crash-restart {kind} {marker}"
            if kind == "report":
                task = pick("report_tasks")
                r = self.call(kind, UNIT, f"/api/v1/tasks/{task}/reports", {"narrative": text, "percent": self.rng.randint(0, 100)})
                info = r and {"id": r["id"]}
            elif kind == "evidence":      # a small PDF, different every time
                task, data = pick("evidence_tasks"), f"%PDF-1.4\n% {text}\n".encode() + os.urandom(self.rng.randint(200, 8000))
                r = self.call(kind, UNIT, f"/api/v1/tasks/{task}/evidence?name=cr-{marker}.pdf", data, "application/octet-stream")
                info = r and {"id": r["id"], "sha": hashlib.sha256(data).hexdigest(), "answered_sha": r.get("sha256")}
            elif kind == "completion":    # unit: inProgress -> completionSubmitted
                r = self.call(kind, UNIT, f"/api/v1/tasks/{pick('cycle_tasks')}/actions/submitCompletion", {"narrative": text})
                info = r and {}
            elif kind == "acceptFail":    # acceptor: completionSubmitted -> inProgress
                r = self.call(kind, ACCEPTOR, f"/api/v1/tasks/{pick('cycle_tasks')}/actions/acceptFail", {"opinion": text})
                info = r and {}
            elif kind == "verification":  # office: an on-site check
                r = self.call(kind, OFFICE, f"/api/v1/tasks/{pick('office_tasks')}/verifications",
                              {"date": self.plan["yesterday"], "people": "核查组", "findings": text})
                info = r and {"id": r["id"]}
            elif kind == "review":        # office: accepts a report acknowledged earlier
                with self.stats.lock:
                    if not self.stats.reports:
                        continue
                    marker = self.stats.reports.pop(self.rng.randrange(len(self.stats.reports)))
                r = self.call(kind, OFFICE, f"/api/v1/reports/{marker}/review", {"decision": "accept"})
                info = r and {"id": marker}
            elif kind == "claim":         # one-off: later claims of the same task are 409
                if not self.plan["claimable"]:
                    continue
                marker = pick("claimable")
                r = self.call(kind, UNIT, f"/api/v1/tasks/{marker}/actions/claim")
                info = r and {"task": marker}
            else:                         # office: opens a dispatch round
                r = self.call(kind, OFFICE, "/api/v1/rounds", {"name": text, "dueDate": self.plan["next_month"]})
                info = r and {"id": r["roundID"]}
            if info is not None:
                self.stats.ack(kind, str(marker), **info)


def setup(port):
    """Logs each role in once, makes an API token for it, and picks the tasks to write to."""
    tokens = {}
    for role in (OFFICE, UNIT, ACCEPTOR):
        status, cookie = request(port, "POST", "/login", f"login={role}&password={role}-demo".encode(),
                                 ctype="application/x-www-form-urlencoded")
        session = cookie.split(";")[0]
        if status not in (302, 303) or not session.startswith("rectify_session="):
            raise SystemExit(f"crash-restart: login as {role} failed ({status})")
        # Cookie-authenticated API writes carry the session's CSRF token (GET /api/v1/session).
        status, data = request(port, "GET", "/api/v1/session", cookie=session)
        csrf = (json.loads(data).get("csrfToken") or "") if status == 200 else ""
        status, data = request(port, "POST", "/api/v1/tokens", {"name": f"crash-restart {role}"}, cookie=session,
                               headers={"X-CSRF-Token": csrf})
        if status != 201:
            raise SystemExit(f"crash-restart: token for {role} failed ({status}): {data[:200]!r}")
        tokens[role] = json.loads(data)["token"]

    def get(role, path):
        status, data = request(port, "GET", path, token=tokens[role])
        if status != 200:
            raise SystemExit(f"crash-restart: GET {path} as {role}: {status} {data[:200]!r}")
        return json.loads(data)

    # Reports need an open task of which the unit is the responsible unit; submitCompletion (unit) and
    # acceptFail (acceptor) take a task round and round; evidence may go to any task the unit sees.
    open_tasks, claimable, evidence_tasks = [], [], []
    for row in get(UNIT, "/api/v1/tasks?per=200")["items"]:
        evidence_tasks.append(row["id"])
        if row["state"] in ("assigned", "inProgress"):
            d = get(UNIT, f"/api/v1/tasks/{row['id']}")
            claimable += [d["id"]] if "claim" in d["allowedActions"] else []
            open_tasks += [d["id"]] if "submitCompletion" in d["allowedActions"] else []
    acceptors = {r["id"] for r in get(ACCEPTOR, "/api/v1/tasks?per=200")["items"]}
    both = [t for t in open_tasks if t in acceptors]
    cycle_tasks = both[:max(1, len(both) // 3)]
    report_tasks = [t for t in open_tasks if t not in cycle_tasks] or cycle_tasks
    office_tasks = [r["id"] for r in get(OFFICE, "/api/v1/tasks?per=200")["items"]][:40]
    if not report_tasks or not cycle_tasks or not office_tasks:
        raise SystemExit(f"crash-restart: the demo data lacks tasks (reports {report_tasks}, cycle {cycle_tasks}, "
                         f"office {office_tasks[:3]})")
    today = datetime.date.today()
    plan = {"report_tasks": report_tasks, "cycle_tasks": cycle_tasks, "evidence_tasks": evidence_tasks,
            "office_tasks": office_tasks, "claimable": claimable,
            "yesterday": (today - datetime.timedelta(days=1)).isoformat(),
            "next_month": (today + datetime.timedelta(days=30)).isoformat()}
    return tokens, plan


def db_query(args, sql):
    """Rows of a query, from the SQLite file or through psql."""
    if os.environ.get("DATABASE_URL"):
        out = subprocess.run(["psql", os.environ["DATABASE_URL"], "-X", "-q", "-A", "-t", "-F", "\x1f", "-R", "\x1e",
                              "-v", "ON_ERROR_STOP=1", "-c", sql], capture_output=True, text=True, check=True).stdout
        return [tuple(r.split("\x1f")) for r in out.strip("\n\x1e").split("\x1e") if r]
    with sqlite3.connect(os.path.join(args.data, "rectify.sqlite"), timeout=30) as conn:
        return [tuple("" if v is None else str(v) for v in r) for r in conn.execute(sql)]


MARKER = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def check_database(args, stats):
    """Returns (lost, duplicated, missing audit events): lists of short descriptions."""
    by_marker = collections.defaultdict(list)   # marker -> [(table, id, extra)]

    def index(table, sql):
        for row in db_query(args, sql):
            for m in MARKER.findall(row[1]):
                by_marker[m].append((table,) + tuple(row))
    index("progress_reports", "SELECT id, narrative, status FROM progress_reports WHERE narrative LIKE 'crash-restart%'")
    index("task_entries", "SELECT id, text, kind, verdict FROM task_entries WHERE text LIKE 'crash-restart%'")
    index("evidence_links", "SELECT l.id, l.original_name, f.sha256 FROM evidence_links l "
                            "JOIN evidence_files f ON f.id = l.file_id WHERE l.original_name LIKE 'cr-%'")
    index("dispatch_rounds", "SELECT id, name FROM dispatch_rounds WHERE name LIKE 'crash-restart%'")
    report_status = dict(db_query(args, "SELECT id, status FROM progress_reports"))
    claims = {r[0] for r in db_query(args, "SELECT l.task_id FROM task_claims l JOIN users u ON u.unit_id = l.unit_id "
                                           "WHERE u.login = 'unit'")}
    audit = {tuple(r) for r in db_query(args, "SELECT record_type, record_id, action FROM audit_events")}
    expected = {"report": ("progress_reports", "progress_report", "report.submit"),
                "evidence": ("evidence_links", "evidence_link", "evidence.upload"),
                "verification": ("task_entries", "task_entry", "entry.verification"),
                "completion": ("task_entries", None, None), "acceptFail": ("task_entries", None, None),
                "round": ("dispatch_rounds", "dispatch_round", "round.open")}
    lost, dup, no_audit = [], [], []
    for kind, marker, info in stats.acked:
        if kind == "review":
            if report_status.get(str(info["id"])) != "accepted":
                lost.append(f"review of report {info['id']}: status {report_status.get(str(info['id']))}")
            elif ("progress_report", str(info["id"]), "report.accept") not in audit:
                no_audit.append(f"review {info['id']}")
            continue
        if kind == "claim":
            if str(info["task"]) not in claims:
                lost.append(f"claim of task {info['task']}")
            continue
        table, rtype, action = expected[kind]
        rows = [r for r in by_marker.get(marker, []) if r[0] == table]
        if not rows:
            lost.append(f"{kind} {marker} (id {info.get('id')})")
            continue
        if len(rows) > 1:
            dup.append(f"{kind} {marker}: {len(rows)} rows")
        if "id" in info and str(info["id"]) not in [r[1] for r in rows]:
            lost.append(f"{kind} {marker}: answered id {info['id']}, found {[r[1] for r in rows]}")
        if kind == "evidence" and (rows[0][3] != info["sha"] or info["answered_sha"] != info["sha"]):
            lost.append(f"evidence {marker}: sha256 sent {info['sha'][:12]}, stored {rows[0][3][:12]}")
        if rtype and (rtype, rows[0][1], action) not in audit:
            no_audit.append(f"{kind} {rows[0][1]}")
    # Writes the client never saw acknowledged may be there or not, but never twice.
    seen_acked = {m for _, m, _ in stats.acked}
    dup += [f"unacknowledged {m}: {len(v)} rows" for m, v in by_marker.items() if len(v) > 1 and m not in seen_acked]
    return lost, dup, no_audit


def check_evidence_files(args):
    """Files under evidence/ against evidence_files rows: (missing or corrupt, orphans, temp files, rows)."""
    rows = {sha: int(size) for sha, size in db_query(args, "SELECT sha256, size FROM evidence_files")}
    root = os.path.join(args.data, "evidence")
    on_disk, temps = {}, []
    for folder, _, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            if re.fullmatch(r"[0-9a-f]{64}", name) and os.path.basename(folder) == name[:2]:
                on_disk[name] = path
            else:
                temps.append(os.path.relpath(path, root))
    bad = []
    for sha, size in rows.items():
        path = on_disk.get(sha)
        if path is None:
            bad.append(f"{sha[:12]}: no file")
            continue
        with open(path, "rb") as f:
            data = f.read()
        if len(data) != size or hashlib.sha256(data).hexdigest() != sha:
            bad.append(f"{sha[:12]}: {len(data)} bytes on disk, {size} in the database, content hash differs")
    orphans = sorted(os.path.relpath(p, root) for sha, p in on_disk.items() if sha not in rows)
    return bad, orphans, sorted(temps), len(rows)


def age_and_sweep(args, server):
    """What the crashes left in evidence/ (bytes are stored before their row commits), then lets the
    server's sweep remove it: the sweep only touches files older than an hour, so age them all first.
    Returns (orphans, temp files, seconds the sweep took or None, whether the server came up)."""
    _, orphans, temps, _ = check_evidence_files(args)
    if args.sweep_age and (orphans or temps):
        old = time.time() - args.sweep_age
        for folder, _, files in os.walk(os.path.join(args.data, "evidence")):
            for name in files:
                os.utime(os.path.join(folder, name), (old, old))
    server.start()
    healthy, t0 = server.wait_healthy(60), time.time()
    while healthy and args.sweep_age and (orphans or temps) and time.time() - t0 < args.sweep_wait:
        if not any(check_evidence_files(args)[1:3]):
            return orphans, temps, time.time() - t0, healthy
        time.sleep(1)
    return orphans, temps, None, healthy


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=".build/debug/rectify")
    ap.add_argument("--cycles", type=int, default=10)
    ap.add_argument("--writers", type=int, default=8)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--term-every", type=int, default=4, help="every Nth cycle stops with SIGTERM instead of SIGKILL")
    ap.add_argument("--work", help="working directory (default: a new temporary one, removed when all checks pass)")
    ap.add_argument("--sweep-age", type=float, default=7200, help="before the last restart, age evidence files by "
                    "this many seconds so the orphan sweep (files older than 1 h) may act; 0: do not")
    ap.add_argument("--sweep-wait", type=float, default=20, help="seconds to wait for the sweep after the last restart")
    ap.add_argument("--max-seconds", type=float, default=900, help="stop cycling after this long, then check")
    args = ap.parse_args()
    t_start, binary = time.time(), os.path.abspath(args.bin)
    work = args.work or tempfile.mkdtemp(prefix="rectify-crash-")
    args.data = os.path.join(work, "data")
    os.makedirs(args.data, exist_ok=True)
    env = dict(os.environ, RECTIFY_DATA_DIR=args.data, LOG_LEVEL="error")
    port, rng = free_port(), random.Random(args.seed)
    print(f"crash-restart: {binary}, {'PostgreSQL' if os.environ.get('DATABASE_URL') else 'SQLite'}, "
          f"{args.cycles} cycles, {args.writers} writers, seed {args.seed}, work {work}")

    global SERVER
    server = SERVER = Server(binary, work, port, env)
    server.start()
    if not server.wait_healthy(180):
        raise SystemExit(f"crash-restart: the server did not become healthy; see {server.logs[-1]}")
    tokens, plan = setup(port)
    print(f"  tasks: {len(plan['report_tasks'])} for reports, {len(plan['evidence_tasks'])} for evidence, "
          f"{len(plan['cycle_tasks'])} for submitCompletion/acceptFail, {len(plan['office_tasks'])} for the office")
    stats, stop = Stats(), threading.Event()
    writers = [Writer(i, port, tokens, plan, stats, stop, args.seed * 1000 + i) for i in range(args.writers)]
    for w in writers:
        w.start()

    # The cycles: writes for 0.5-3 s, then SIGKILL (or SIGTERM), restart, wait for /healthz.
    failures, stops, traps, log_errors, restart_times = [], [], [], [], []

    def stop_gracefully(label):
        exited, rc, secs = server.terminate(15.0)
        stops.append((label, exited, rc, secs))

    def scan_log():
        t, e = server.scan_log()
        traps.extend(t)
        log_errors.extend(e)

    for cycle in range(1, args.cycles + 1):
        if time.time() - t_start > args.max_seconds:
            failures.append(f"stopped after {cycle - 1} cycles: --max-seconds {args.max_seconds:.0f} reached")
            break
        time.sleep(rng.uniform(0.5, 3.0))
        term = bool(args.term_every) and cycle % args.term_every == 0
        if server.proc.poll() is not None:
            failures.append(f"cycle {cycle}: the server had exited by itself (status {server.proc.returncode})")
        elif term:
            stop_gracefully(f"cycle {cycle}, under load")
        else:
            server.kill9()
        scan_log()
        t0 = time.time()
        server.start()
        if not server.wait_healthy(60):
            failures.append(f"cycle {cycle}: not healthy within 60 s of the restart ({server.logs[-1]})")
            break
        restart_times.append(time.time() - t0)
        print(f"  cycle {cycle:3d}: {'SIGTERM' if term else 'SIGKILL'}, healthy again in {restart_times[-1]:.1f} s, "
              f"{len(stats.acked)} writes acknowledged so far")

    time.sleep(0.5)     # some writes after the last restart
    stop.set()
    for w in writers:
        w.join(REQUEST_TIMEOUT + 5)
    stop_gracefully("after the writers stopped")
    scan_log()
    crash_orphans, crash_temps, swept_in, healthy = age_and_sweep(args, server)
    if not healthy:
        failures.append(f"final restart: not healthy within 60 s ({server.logs[-1]})")

    # With the server up: a sample of the acknowledged evidence downloads as uploaded.
    download_bad = []
    sample = [info for kind, _, info in stats.acked if kind == "evidence"]
    for info in random.Random(args.seed).sample(sample, min(20, len(sample))):
        try:
            status, data = request(port, "GET", f"/api/v1/evidence/{info['id']}", token=tokens[UNIT])
            if status != 200 or hashlib.sha256(data).hexdigest() != info["sha"]:
                download_bad.append(f"evidence {info['id']}: {status}, {len(data)} bytes")
        except (OSError, http.client.HTTPException) as e:
            download_bad.append(f"evidence {info['id']}: {e}")
    stop_gracefully("final")
    scan_log()

    # With the server down: the audit chain, the database, the evidence directory.
    try:
        verify = subprocess.run([binary, "audit", "verify"], env=env, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        verify = subprocess.CompletedProcess([], 124, "", "audit verify did not finish within 120 s")
    lost, dup, no_audit = check_database(args, stats)
    bad_files, orphans, temps, file_rows = check_evidence_files(args)

    acked_by_kind = collections.Counter(k for k, _, _ in stats.acked)
    n5xx = sum(stats.server5xx.values())
    print(f"\ncycles: {len(restart_times)} of {args.cycles} (server starts {server.starts}); "
          f"restart to healthy: max {max(restart_times, default=0):.1f} s")
    print(f"write attempts: {sum(stats.attempts.values())}; acknowledged: {len(stats.acked)} "
          f"({', '.join(f'{k} {v}' for k, v in sorted(acked_by_kind.items()))})")
    print(f"connection errors (not acknowledged, expected around kills): {sum(stats.conn_errors.values())}; "
          f"timeouts (>{REQUEST_TIMEOUT} s): {sum(stats.timeouts.values())} {dict(stats.timeouts) or ''}")
    print(f"4xx (refused by the rules, expected): {sum(stats.client4xx.values())} "
          f"({', '.join(f'{k} {s} {c}: {n}' for (k, s, c), n in sorted(stats.client4xx.items()))})")
    print(f"5xx: {n5xx}")
    for (kind, status, why), n in stats.server5xx.most_common(10):
        print(f"    {n:5d} × {status} {kind}: {why}")
    print(f"lost acknowledged writes: {len(lost)}; stored twice: {len(dup)}; without audit event: {len(no_audit)}")
    for line in (lost + dup + no_audit)[:10]:
        print(f"    {line}")
    print(f"evidence after the crashes: {len(crash_orphans)} orphan files, {len(crash_temps)} temp files; "
          + ("sweep not awaited (--sweep-age 0)" if not args.sweep_age else "nothing to sweep"
             if not (crash_orphans or crash_temps) else f"swept {swept_in:.0f} s after the restart"
             if swept_in is not None else f"aged by {args.sweep_age:.0f} s, still there {args.sweep_wait:.0f} s after the restart"))
    print(f"evidence at the end: {file_rows} rows; missing or corrupt files {len(bad_files)}, orphan files "
          f"{len(orphans)}, temp files {len(temps)}, bad downloads {len(download_bad)}")
    for line in (bad_files + orphans + temps + download_bad)[:10]:
        print(f"    {line}")
    bad_stops = [s for s in stops if not (s[1] and s[2] == 0)]
    print(f"SIGTERM: {len(stops)} stops ({sum(1 for s in stops if 'load' in s[0])} under load), "
          f"{len(stops) - len(bad_stops)} exited by themselves with status 0, slowest {max(s[3] for s in stops):.1f} s")
    for label, exited, rc, secs in bad_stops:
        print(f"    {label}: " + (f"exited in {secs:.1f} s, status {rc}" if exited else f"still running after {secs:.0f} s, killed"))
    print(f"traps in server logs: {len(traps)}; error-level log lines: {len(log_errors)}")
    for line in traps[:10] + [f"{n} × {l}" for l, n in collections.Counter(
            re.sub(r"\d+", "N", l.split(": ", 1)[1]) for l in log_errors).most_common(5)]:
        print(f"    {line}")
    print(f"audit verify: status {verify.returncode}: {(verify.stdout + verify.stderr).strip()[-300:]}")
    for line in failures:
        print(f"    {line}")

    checks = [
        ("every cycle ran and the server came back each time", not failures, f"{len(failures)} problems"),
        ("writes were acknowledged", len(stats.acked) >= len(restart_times), f"{len(stats.acked)} acknowledged"),
        ("no acknowledged write lost", not lost, f"{len(lost)} lost"),
        ("no write stored twice", not dup, f"{len(dup)} stored twice"),
        ("every acknowledged write has its audit event", not no_audit, f"{len(no_audit)} without"),
        ("no 5xx", n5xx == 0, f"{n5xx} responses"),
        ("every evidence row has its intact file", not bad_files, f"{len(bad_files)} missing or corrupt"),
        ("no orphan evidence file (after the sweep)", not orphans, f"{len(orphans)} orphans"),
        ("no temp file left in evidence/ (after the sweep)", not temps, f"{len(temps)} temp files"),
        ("acknowledged evidence downloads intact", not download_bad, f"{len(download_bad)} bad"),
        ("SIGTERM ends the server within 15 s, status 0", not bad_stops, f"{len(bad_stops)} of {len(stops)} not"),
        ("no trap in any server log", not traps, f"{len(traps)} traps"),
        ("rectify audit verify passes", verify.returncode == 0, f"status {verify.returncode}"),
    ]
    print()
    for name, ok, detail in checks:
        print(f"  {'ok  ' if ok else 'FAIL'} {name}" + ("" if ok else f" ({detail})"))
    failed = sum(1 for _, ok, _ in checks if not ok)
    print(f"time: {time.time() - t_start:.0f} s; server logs and data: {work}")
    print(f"crash-restart: {len(checks) - failed} passed, {failed} failed")
    if failed == 0 and not args.work:
        subprocess.run(["rm", "-rf", work])
    return 1 if failed else 0


SERVER = None

if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:   # never leave a server behind, whatever went wrong
        if SERVER and SERVER.proc and SERVER.proc.poll() is None:
            SERVER.kill9()
