#!/usr/bin/env python3
"""Fuzzes every route of a real Rectify server and checks that it holds.

    scripts/fuzz-server.sh [RECTIFY_BIN]          (or: python3 scripts/fuzz-server.py BIN)

Design
 1. Starts `BIN serve --port P` on a fresh data directory (SQLite; the demo data loads
    itself) with LOG_LEVEL=error, or on DATABASE_URL (PostgreSQL, must be empty).
 2. Routes come from `BIN routes`, Vapor's route table (METHOD and PATH).
 3. Logs in office, unit and admin, makes each an API token, harvests real ids (tasks,
    inspections, units, ...) from pages and JSON and scrapes every page's forms: field
    names, select options and the session's CSRF token, which web forms carry as `_csrf`
    and cookie-authenticated API writes as the `X-CSRF-Token` header, so most requests
    get past CSRF and reach validation. A real exported CSV/XLSX feeds the uploads, and
    a few tasks are given hostile titles (controls, U+FFFE, U+202E, <script>, 20,000
    chars) that every export, report and page must then carry safely.
 4. Requests come from one seeded RNG (RECTIFY_FUZZ_SEED; reproducible up to the server's
    own answers): a route at random (upload routes, with their parsers, three times as
    often), an identity (office, unit, admin, anonymous; identities let in on a route
    before are chosen more), cookie or Bearer auth, ids (real, 0, -1, 2^63-1, 2^63,
    10^20, non-numbers), query parameters (page, per, region, date, filters) and a body
    from the route's known or scraped fields, then mutated: hostile text (NUL, U+FFFE,
    U+202E, lone surrogates, 20,000 chars), huge/negative numbers, wrong types, unknown
    enum values, missing/duplicated/unknown fields, malformed or deeply nested JSON,
    wrong content types, bodies over 1 MB, foreign Origin; workbooks broken at the ZIP
    level (byte flips, truncation, central-directory fields past the end) or carrying
    hostile sheet XML (invalid UTF-8, XXE, entity expansion, deep nesting, huge
    shared-string indexes). Logins are fuzzed from 127.0.0.2 with names that are not
    demo logins, so the login throttle never locks the fuzzer's own logins out.
 5. Failures: any response >= 500; a crash, dropped connection or timeout (a request
    head over 80 KB is the exception: NIO closes such connections by design); a 200
    XLSX/DOCX that is not a ZIP of well-formed XML, or JSON that does not parse; a page
    carrying `<script>alert(1)</script>` unescaped; /etc/passwd in any answer. The
    process is polled after every request and /healthz asked after every batch; after
    a crash (its message and first useful frame come from the Swift backtrace) the
    server restarts on the same data and the run goes on. Once a crash has been seen
    twice, its request's hostile ingredients (route + tag) are no longer generated, so
    the run reaches other failures instead of restarting on the same one.
 6. Refused requests must not change data. A refusal is a 4xx, a 5xx, a crash or a
    redirect to /login. The database is dumped (every table but the session tables
    and planner statistics, and without a token's last use, rows sorted):
    - strict pass: the first RECTIFY_FUZZ_STRICT (300) requests are all mutating and
      sent one at a time with a dump before and after each;
    - bulk: then batches of RECTIFY_FUZZ_BATCH (10) with a dump after each batch. A
      batch in which no mutating request succeeded must leave the dump unchanged; if it
      does not, the batch is replayed one request at a time between dumps to name the
      culprit. Batches with a successful mutation are counted as unchecked.
 7. Prints requests per route and status class, the commonest answers, each distinct
    failure (kind, route, status, message) with one exact request, and
    `fuzz: N passed, M failed`; exits 1 on any failure. Every failing request is kept in
    full in WORK/failures.jsonl (body in base64), every request in WORK/requests.log,
    the server's output in WORK/server.log.

Environment: RECTIFY_FUZZ_SEED (1), RECTIFY_FUZZ_REQUESTS (10000), RECTIFY_FUZZ_SECONDS
(300, the sending time limit), RECTIFY_FUZZ_STRICT (300), RECTIFY_FUZZ_BATCH (10),
RECTIFY_FUZZ_PORT (a free one), RECTIFY_FUZZ_WORK (work dir, default a new temp dir),
DATABASE_URL (PostgreSQL instead of SQLite; dumped with psql).
"""
import base64, collections, html.parser, http.client, io, json, os, random, re, socket
import sqlite3, struct, subprocess, sys, tempfile, time, urllib.parse, xml.etree.ElementTree, zipfile

E = os.environ
SEED, TOTAL = int(E.get("RECTIFY_FUZZ_SEED", "1")), int(E.get("RECTIFY_FUZZ_REQUESTS", "10000"))
SECONDS, STRICT = float(E.get("RECTIFY_FUZZ_SECONDS", "300")), int(E.get("RECTIFY_FUZZ_STRICT", "300"))
BATCH, PORT = int(E.get("RECTIFY_FUZZ_BATCH", "10")), int(E.get("RECTIFY_FUZZ_PORT", "0"))
PG_URL = E.get("DATABASE_URL", "")
USERS = {"office": "office-demo", "unit": "unit-demo", "admin": "admin-demo"}
LOGIN_SOURCE = "127.0.0.2"

# ---------------------------------------------------------------- hostile values
BIG = ["9223372036854775807", "9223372036854775808", "-9223372036854775808", "99999999999999999999", "9223372036854770000"]
BAD_IDS = ["0", "-1", *BIG, "abc", "1.5", "1e3", "0x10", "+1", "00001", "%00", "%E8%BE%BD", "%F0%A0%80%80", "%FF", "%20", "-0"]
TEXTS = ["", " ", "\u0000", "a\u0000b", "\ufffe", "\uffff", "\u202eevil", "𠀀", '辽"&<>\'', "\x01\x07\x1b[31m\x7f",
         "\r\n\t", "x" * 20000, "辽" * 20000, "<script>alert(1)</script>", "]]><!--", "' OR 1=1 --", "%s%n%x",
         "../../etc/passwd", "\u0085\u2028\u2029", "e\u0301" * 50, "\ud800", "\ud83d\ude00", "\u00a0\u3000"]
NUMBERS = [0, -1, 2**63 - 1, 2**63, -2**63, -2**63 - 1, 10**20, 2**31, 2**32, 1.5, -0.0, 1e308, "1", None, True, [], {}]
DATES = ["9999-12-31", "0000-01-01", "0001-01-01", "2018-02-30", "2018-13-01", "2018-00-10", "2018-1-1", "20180101", "",
         "yesterday", "2018-06-30T00:00:00Z", "-2018-01-01", "99999-01-01", "1900-02-29", "2018-06-30\u0000",
         "２０１８-０６-３０", "2199-12-31", "1900-01-01", "1899-12-31", "2200-01-01", "292277026596-12-04"]
ENUMS = {"decision": "accept return", "result": "holding rebound scheduled",
         "level": "reminder order listed summons circular central provincial",
         "kind": "immediate timeLimited longTerm routine lookBack thematic", "light": "red yellow green",
         "state": "draft assigned inProgress completionSubmitted accepted publicNotice closed",
         "status": "completed basicallyCompleted onSchedule behindSchedule fullyImplemented inProgress unknown",
         "tag": "air water soil ecology solidWaste marine mining other", "sort": "number deadline updated light",
         "format": "text html docx csv", "roles": "office unit acceptor leader admin"}
ACTIONS = "assign claim submitCompletion acceptPass acceptBasicallyComplete acceptFail openNotice upholdObjection close lookBackRebound".split()
TYPES = {**{k: "int" for k in "version number percent round regionCode targetRegionCode yellowLagPoints unclaimedDays redDaysBeforeOrder province".split()},
         **{k: "date" for k in "deadline dueDate replyBy date receivedOn noticeStart noticeEnd stationedFrom stationedUntil feedbackDate planApprovedDate".split()},
         **{k: "bool" for k in "approve upheld longTerm isPublic extended noOpenOrder".split()},
         "unitID": "id:units", "responsibleUnitID": "id:units", "problemID": "id:problems", "revises": "id:reports",
         "taskIDs": "ids:tasks", "milestonesReached": "ids:milestones", "responsible": "ids:units", "cooperating": "ids:units"}
API_BODIES = {"PATCH /api/v1/tasks/:id": "version title target measures leadOfficial",
              "POST /api/v1/tasks/:id/actions/:action": "opinion narrative noticeStart noticeEnd noticeText findings people version",
              "POST /api/v1/tasks/:id/reports": "narrative percent milestonesReached difficulties nextSteps revises",
              "POST /api/v1/tasks/:id/extensions": "deadline reason", "POST /api/v1/tasks/:id/verifications": "date people findings",
              "POST /api/v1/tasks/:id/lookbacks": "date result findings people", "POST /api/v1/tasks/:id/instructions": "text",
              "POST /api/v1/notices/:id/objections": "receivedOn content", "POST /api/v1/objections/:id/answer": "answer upheld",
              "POST /api/v1/reports/:id/review": "decision reason", "POST /api/v1/extensions/:id/decision": "approve note",
              "POST /api/v1/rounds": "name dueDate regionCode", "POST /api/v1/orders": "unitID taskIDs level reason replyBy",
              "POST /api/v1/orders/:id/reply": "text", "PUT /api/v1/settings": "yellowLagPoints unclaimedDays redDaysBeforeOrder",
              "POST /api/v1/tokens": "name", "POST /api/v1/report-drafts": "text"}
WEB_FIELDS = {"/reports/:id/review": "decision reason", "/extensions/:id/decide": "approve note", "/notices/:id/objection": "receivedOn content",
              "/objections/:id/answer": "answer upheld", "/orders/:id/reply": "text", "/rounds": "name dueDate",
              "/orders": "unitID taskIDs level reason replyBy", "/admin/users": "login displayName password unitID roles",
              "/admin/units": "name kind regionCode province", "/tokens": "name", "/login": "login password",
              "/inspections/new": "title level round kind team targetRegionCode stationedFrom stationedUntil feedbackDate planApprovedDate",
              "/inspections/:id/problems": "number text", "/tasks/:id/act/:action": API_BODIES["POST /api/v1/tasks/:id/actions/:action"],
              "/inspections/:id/tasks/new": "number title target measures kind deadline leadOfficial problemID responsible cooperating",
              "/tasks/:id/report": "narrative percent difficulties nextSteps milestonesReached revises", "/tasks/:id/extension": "deadline reason",
              "/tasks/:id/verification": "date people findings", "/tasks/:id/lookback": "date result findings people",
              "/tasks/:id/instruction": "text", "/import-report": "text", "/inspections/:id/import": "pending confirm",
              "/import-report/create": "responsibleUnitID deadline title level round kind team targetRegionCode", "/tasks/:id/evidence": "isPublic"}
UPLOADS = {"/tasks/:id/report", "/tasks/:id/evidence", "/inspections/:id/import", "/import-report", "/api/v1/tasks/:id/evidence",
           "/api/v1/inspections/:id/ledger/preview", "/api/v1/inspections/:id/ledger/import", "/api/v1/report-drafts"}
READONLY_POSTS = {"/api/v1/report-drafts", "/api/v1/inspections/:id/ledger/preview", "/import-report"}
QINT = ["1", "2", "0", "-1", *BIG, "abc", "1.5", "", " 3", "2e1"]
QUERY = {"page": QINT, "per": QINT, "region": QINT + ["210000", "211400"], "inspection": QINT, "unit": QINT, "round": QINT,
         "deadlineFrom": DATES, "deadlineTo": DATES, "date": DATES, "redSince": DATES, "unclaimedSince": DATES,
         "q": TEXTS, "extended": ["true", "false", "1", "maybe"], "noOpenOrder": ["true", "yes"], "name": TEXTS,
         **{k: ENUMS[k].split() + ["bogus", "", "RED", "red\u0000"] for k in "state light status kind tag sort format".split()}}
RAW_QUERY = ["%00", "%FF", "%E8%BE%BD", "%", "%zz", "page=1&page=9223372036854775807", "per[]=1", "a=%ED%A0%80"]
REPORT_TEXT = "三十七、某市污水处理厂超标排放问题。\n整改进展情况:已完成整改。\n整改措施:加强监管。\n58项整改任务中,已完成13项。\n"
MALFORMED = ["{", '{"a":', "null", "[]", '"str"', "1", '{"version":01}', "{'a':1}", '{"a":1,}', "\u0000", '{"x":"\\ud800"}',
             "[" * 100000, '{"a":' * 20000 + "1" + "}" * 20000, "NaN", '{"a":1e999999}', "\ufeff{}"]
XXE = b'<!DOCTYPE w [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
LAUGHS = b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">' + b"".join(b'<!ENTITY %c "%s">' % (c, (b"&%c;" % (c - 1)) * 10) for c in b"bcdefg") + b"]>"
SHEETS = [b"<\xe7s><", b"<worksheet><sheetData>" + b"<row>" * 50000, b"", b"\x00" * 64, b'<?xml version="1.0" encoding="EBCDIC"?><a/>',
          b'<worksheet><sheetData><row r="9223372036854775807"><c r="XFD1048577" t="s"><v>-1</v></c></row></sheetData></worksheet>',
          b'<worksheet><sheetData><row><c r="A0"><v>1e308</v></c><c r="AAAAAAAAAAAAAAAAAAAA1"><v>NaN</v></c></row></sheetData></worksheet>']


def enc(s):
    return s.encode("utf-8", "surrogatepass") if isinstance(s, str) else s


def clip(b, n=300):
    t = b.decode("utf-8", "backslashreplace") if isinstance(b, bytes) else str(b)
    return t if len(t) <= n else t[:n] + f"…(+{len(t) - n} chars)"


# ---------------------------------------------------------------- server, database
class Server:
    def __init__(self, binary, work):
        self.binary, self.work, self.proc = binary, work, None
        self.log_path = os.path.join(work, "server.log")
        self.env = dict(E, RECTIFY_DATA_DIR=os.path.join(work, "data"), LOG_LEVEL="error")
        self.env.setdefault("SWIFT_BACKTRACE", "enable=yes,interactive=no,threads=crashed,registers=none,images=none,symbolicate=fast")

    def start(self):
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([self.binary, "serve", "--port", str(PORT)], env=self.env, cwd=self.work,
                                     stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        deadline = time.time() + 180
        while time.time() < deadline:
            if self.proc.poll() is not None:
                sys.exit(f"fuzz: server exited at start ({self.proc.returncode}):\n{self.log_since(0)[-2000:]}")
            if self.healthy():
                return
            time.sleep(0.3)
        sys.exit("fuzz: server did not answer /healthz within 180 s")

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def healthy(self):
        try:
            return http_send("GET", "/healthz", {}, b"", timeout=10)[0] == 200
        except (OSError, http.client.HTTPException):
            return False

    def stop(self):
        if self.alive():
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def log_size(self):
        return os.path.getsize(self.log_path)

    def log_since(self, offset):
        with open(self.log_path, "rb") as f:
            f.seek(offset)
            return f.read().decode("utf-8", "replace")


# Bookkeeping a refused request may still write, as it writes a session's last-seen time:
# when an API token was last used (it was used, whatever the answer).
BOOKKEEPING = {"api_tokens": "id, user_id, name, token_hash, created_at, revoked"}


def dump(server):
    """Every table but sessions and planner statistics (and the BOOKKEEPING columns), rows sorted: {table: [row, ...]}."""
    if PG_URL:
        tables = subprocess.run(["psql", "-X", "-At", PG_URL, "-c", "SELECT tablename FROM pg_tables WHERE schemaname='public' ORDER BY 1"],
                                capture_output=True, text=True, check=True).stdout.split()
        script = "".join(f'\\echo @@{t}\nCOPY (SELECT {BOOKKEEPING.get(t, "*")} FROM "{t}" x ORDER BY x::text) TO STDOUT;\n'
                         for t in tables if "session" not in t)
        out = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", PG_URL], input=script, capture_output=True, text=True, check=True).stdout
        return {c.split("\n", 1)[0]: sorted(c.split("\n")[1:]) for c in out.split("@@")[1:]}
    db = sqlite3.connect(os.path.join(server.work, "data", "rectify.sqlite"), timeout=30)
    try:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {t: sorted(map(repr, db.execute(f'SELECT {BOOKKEEPING.get(t, "*")} FROM "{t}"'))) for t in names
                if "session" not in t and not t.startswith("sqlite_stat")}
    finally:
        db.close()


def diff(a, b):
    out = []
    for t in sorted(set(a) | set(b)):
        ra, rb = set(a.get(t, [])), set(b.get(t, []))
        if ra != rb:
            gone, new = sorted(ra - rb), sorted(rb - ra)
            out.append(f"{t}: -{len(gone)} +{len(new)} " + clip(" | ".join((["-" + gone[0]] if gone else []) + (["+" + new[0]] if new else [])), 400))
    return out


# ---------------------------------------------------------------- HTTP
def http_send(method, path, headers, body, source="127.0.0.1", timeout=30):
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout, source_address=(source, 0))
    try:
        c.putrequest(method, path, skip_accept_encoding=True)
        for k, v in list(headers.items()) + [("Content-Length", str(len(body))), ("Connection", "close")]:
            c.putheader(k, v)
        c.endheaders(body)
        r = c.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read(), r.headers.get_all("Set-Cookie") or []
    finally:
        c.close()


class FormParser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms, self.form, self.select = [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.form = {"action": a.get("action") or "", "method": (a.get("method") or "get").upper(), "fields": {}}
            self.forms.append(self.form)
        elif self.form is None:
            return
        elif tag == "input" and a.get("name") and a.get("type") != "file":
            self.form["fields"].setdefault(a["name"], []).append(a.get("value") or "")
        elif tag == "select":
            self.select = a.get("name")
            self.form["fields"].setdefault(self.select, [])
        elif tag == "option" and self.select:
            self.form["fields"][self.select].append(a.get("value") or "")
        elif tag == "textarea" and a.get("name"):
            self.form["fields"].setdefault(a["name"], []).append("")

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None


# ---------------------------------------------------------------- the fuzzer
class Fuzzer:
    def __init__(self, binary, work):
        self.server, self.work, self.binary = Server(binary, work), work, binary
        self.rng = random.Random(SEED)
        self.cookies, self.csrf, self.stale, self.bearer, self.own_tokens = {}, {}, set(), {}, set()
        self.hot = collections.defaultdict(set)             # ids whose records carry hostile text
        self.ids = collections.defaultdict(set)
        self.forms = collections.defaultdict(list)          # template -> [(ident, form)]
        self.files = {"csv": b"", "xlsx": b""}
        self.stats, self.by_ident, self.codes = collections.defaultdict(collections.Counter), collections.Counter(), collections.Counter()
        self.failures, self.seen, self.suppressed = [], collections.Counter(), set()
        self.allowed, self.tried = collections.Counter(), collections.Counter()
        self.sent = self.success_changes = self.restarts = self.checked_batches = self.unchecked_batches = 0
        self.fail_log = open(os.path.join(work, "failures.jsonl"), "w")
        self.req_log = open(os.path.join(work, "requests.log"), "w")

    # -- routes and setup
    def discover_routes(self):
        out = subprocess.run([self.binary, "routes"], env=self.server.env, cwd=self.work, capture_output=True, text=True).stdout
        routes = sorted({(m, p) for m, p in re.findall(r"^\|\s*([A-Z]+)\s*\|\s*(/\S*)\s*\|", out, re.M)})
        if not routes:
            sys.exit("fuzz: `rectify routes` printed no route table:\n" + out[-1000:])
        self.routes = routes
        self.route_re = [(m, p, re.compile("^" + re.sub(r":\w+", "[^/]+", p) + "$")) for m, p in routes]

    def template(self, method, path):
        return next((p for m, p, rx in self.route_re if m == method and rx.match(path.split("?")[0])), None)

    def login(self, ident):
        body = urllib.parse.urlencode({"login": ident, "password": USERS[ident]}).encode()
        st, h, _, cookies = http_send("POST", "/login", {"Content-Type": "application/x-www-form-urlencoded"}, body)
        jar = dict(c.split(";")[0].split("=", 1) for c in cookies)
        if st >= 400 or "rectify_session" not in jar:
            sys.exit(f"fuzz: cannot log in as {ident}: {st}")
        self.cookies[ident] = "rectify_session=" + jar["rectify_session"]
        self.csrf.pop(ident, None)
        self.get_page(ident, "/tokens")
        st, _, body, _ = http_send("GET", "/api/v1/session", {"Cookie": self.cookies[ident]}, b"")
        self.csrf[ident] = json.loads(body).get("csrfToken") or self.csrf.get(ident, "")

    def make_bearer(self, ident):
        """A real API token per identity: Bearer calls skip the cookie and CSRF checks."""
        st, _, body, _ = http_send("POST", "/api/v1/tokens", {"Cookie": self.cookies[ident], "X-CSRF-Token": self.csrf.get(ident, ""),
                                   "Content-Type": "application/json"}, b'{"name":"fuzz"}')
        if st != 201 and st != 200:
            sys.exit(f"fuzz: cannot create an API token as {ident}: {st} {clip(body, 200)}")
        created = json.loads(body)
        self.bearer[ident] = created["token"]
        self.own_tokens.add(created["id"])

    def seed_hostile(self):
        """Stores hostile text in a few task titles, so exports, reports and pages must carry it safely."""
        parts = [t for t in TEXTS if not re.search("[\u0000\ud800-\udfff]", t) and len(t) < 1000]
        for n, tid in enumerate(sorted(self.ids["tasks"])[:8]):
            auth = {"Authorization": "Bearer " + self.bearer["office"], "Content-Type": "application/json"}
            st, _, body, _ = http_send("GET", f"/api/v1/tasks/{tid}", auth, b"")
            if st != 200:
                continue
            text = "fuzz " + "".join(self.rng.sample(parts, 6)) + ("x" * 20000 if n == 0 else "")
            edit = {"version": json.loads(body)["version"], "title": text, "target": "".join(parts), "measures": text, "leadOfficial": text[:50]}
            if http_send("PATCH", f"/api/v1/tasks/{tid}", auth, enc(json.dumps(edit)))[0] == 200:
                self.hot["tasks"].add(tid)

    def get_page(self, ident, path):
        """A setup GET: scrapes ids, forms and the CSRF token; a 5xx here is a failure too."""
        req = {"method": "GET", "path": path, "headers": {"Cookie": self.cookies.get(ident, "")}, "body": b"",
               "ident": ident, "route": "GET " + (self.template("GET", path) or path), "tags": [], "mutating": False}
        st, body = self.send(req, count=False)
        text = (body or b"").decode("utf-8", "replace")
        for coll, n in re.findall(r"/(tasks|inspections|reports|extensions|notices|objections|rounds|orders|evidence|users|tokens)/(\d+)", text):
            self.ids[coll].add(int(n))
        if path.startswith("/api/v1/tasks?"):
            self.ids["tasks"].update(int(n) for n in re.findall(r'"id":(\d+)', text))
        elif path.startswith("/api/v1/tasks/") and st == 200:
            detail = json.loads(text)
            self.ids["milestones"].update(m["id"] for m in detail.get("milestones", []))
            self.ids["units"].update(u["id"] for u in detail.get("units", []))
        self.ids["inspections"].update(int(n) for n in re.findall(r'"inspectionID":(\d+)', text))
        p = FormParser()
        p.feed(text)
        for form in p.forms:
            if "_csrf" in form["fields"] and form["fields"]["_csrf"][0]:
                self.csrf[ident] = form["fields"]["_csrf"][0]
            tmpl = self.template(form["method"], form["action"])
            if tmpl:
                self.forms[tmpl].append((ident, form))
            for name, coll in (("unitID", "units"), ("responsible", "units"), ("responsibleUnitID", "units"),
                               ("problemID", "problems"), ("milestonesReached", "milestones")):
                self.ids[coll].update(int(v) for v in form["fields"].get(name, []) if v.isdigit())
        return st, body

    def harvest(self, deep=True):
        self.forms.clear()
        for ident in ("office", "unit", "admin"):
            for page in ("/api/v1/tasks?per=200", "/api/v1/tasks?per=200&page=2", "/inspections", "/rounds", "/orders", "/my", "/tokens", "/ledger", "/admin/users",
                         "/admin/units", "/import-report", "/inspections/new", "/api/v1/lookbacks/due", "/public"):
                self.get_page(ident, page)
            tasks = sorted(self.ids["tasks"])
            for tid in self.rng.sample(tasks, min(len(tasks), 12 if deep else 4)):
                self.get_page(ident, f"/tasks/{tid}")
                if deep:
                    self.get_page(ident, f"/api/v1/tasks/{tid}")
            for i in sorted(self.ids["inspections"])[:3]:
                for page in ("/inspections/%d", "/inspections/%d/tasks/new", "/inspections/%d/import"):
                    self.get_page(ident, page % i)
            for coll in ("rounds", "orders"):
                for i in sorted(self.ids[coll])[:3]:
                    self.get_page(ident, f"/{coll}/{i}")
        if deep:
            for kind in ("csv", "xlsx"):
                self.files[kind] = self.send({"method": "GET", "path": f"/api/v1/tasks/export.{kind}?inspection={min(self.ids['inspections'] or {1})}",
                                              "headers": {"Cookie": self.cookies["office"]}, "body": b"", "ident": "office",
                                              "route": f"GET /api/v1/tasks/export.{kind}", "tags": [], "mutating": False}, count=False)[1] or b""

    # -- generation
    def pick_hostile(self, kind, tags, name, form):
        r = self.rng
        pool = {"int": NUMBERS, "date": DATES, "bool": ["true", 1, None, "yes", 2], "text": TEXTS}.get(kind.split(":")[0], NUMBERS)
        if kind.startswith("enum"):
            pool = ["bogus", "", "ACCEPT", "accept\u0000", 1]
        v = r.choice(pool) if r.random() < 0.6 else r.choice(TEXTS + NUMBERS + DATES)
        if kind.startswith("ids") and r.random() < 0.5:
            v = [r.choice(NUMBERS[:7])] * r.choice([1, 3, 5000])
        if form:
            v = r.choice(BIG + BAD_IDS) if isinstance(v, (int, float, list, dict)) or v is None else v
        tags.append(f"f:{name}={clip(repr(v), 30)}")
        return v

    def valid_value(self, name, form_options=None):
        r, kind = self.rng, TYPES.get(name, "enum" if name in ENUMS else "text")
        opts = [o for o in (form_options or []) if o]
        if opts:
            return r.choice(opts)
        if kind == "int":
            return r.choice([1, 2, 3, 50, 100, 210000])
        if kind.startswith("id"):
            pool = sorted(self.ids[kind.split(":")[1]]) or [1, 2, 3]
            return [r.choice(pool) for _ in range(2)] if kind.startswith("ids") else r.choice(pool)
        if kind == "date":
            return r.choice(["2025-12-31", "2026-06-30", "2019-01-15", time.strftime("%Y-%m-%d")])
        if kind == "bool":
            return r.random() < 0.5
        if kind == "enum":
            return r.choice(ENUMS[name].split())
        return r.choice(["整改进展顺利,已完成阶段目标。", "fuzz 测试", "按期推进", "督办意见:请于月底前完成"])

    def fill_path(self, tmpl, tags):
        r = self.rng
        parts = tmpl.split("/")
        for i, seg in enumerate(parts):
            if seg == ":action":
                parts[i] = r.choice(ACTIONS) if r.random() < 0.8 else r.choice(["bogus", "CLAIM", "%00", "claim%20", "x" * 3000])
            elif seg.startswith(":"):
                real = sorted(self.ids[parts[i - 1]] - self.own_tokens) or [1, 2]
                if tmpl == "/admin/users/:id/active" or r.random() < 0.45:
                    parts[i] = r.choice(BAD_IDS)
                    tags.append("id=" + parts[i])
                else:
                    parts[i] = str(r.choice(sorted(self.hot[parts[i - 1]]) if self.hot[parts[i - 1]] and r.random() < 0.3 else real))
        return "/".join(parts)

    def query(self, tags):
        r, items = self.rng, []
        for key in r.sample(sorted(QUERY), r.choice([0, 1, 1, 2, 3, 4])):
            v = r.choice(QUERY[key])
            items.append(f"{key}=" + urllib.parse.quote(enc(v), safe=""))
            tags.append(f"q:{key}={clip(v, 30)}")
        if r.random() < 0.05:
            items.append(r.choice(RAW_QUERY))
            tags.append("q:" + items[-1])
        return ("?" + "&".join(items)) if items else ""

    def upload_content(self, tmpl, tags):
        r = self.rng
        csv = self.files["csv"].decode("utf-8", "replace").splitlines() or ["序号,整改任务,完成时限,牵头单位", "1,任务,2018-12-31,单位"]
        if ("ledger" in tmpl or tmpl.endswith("/import")) and r.random() < 0.8:
            if r.random() < 0.65 and self.files["xlsx"]:
                return self.mutate_xlsx(tags)
            rows = [line.split(",") for line in csv]
            for _ in range(r.choice([1, 3, 10])):
                row = r.choice(rows[1:] or rows)
                v = r.choice(TEXTS[:11] + BIG + DATES[:8] + ["长期坚持", "2018年12月底前", "立行立改"])
                row[r.randrange(len(row))] = v.replace(",", "，")
                tags.append(f"csv:{clip(v, 20)}")
            return enc("\n".join(",".join(x) for x in rows))
        choices = [b"", b"\x00" * 100, enc(REPORT_TEXT), enc(REPORT_TEXT + r.choice(TEXTS)), b"\xff\xfe\x00garbage",
                   bytes(r.randrange(256) for _ in range(2000)), b"PK\x03\x04" + bytes(200), enc("三十七、" * 5000)]
        i = r.randrange(len(choices))
        tags.append(f"file:{i}")
        return choices[i]

    def mutate_xlsx(self, tags):
        """The exported workbook, broken at the ZIP level or with hostile sheet XML inside a valid ZIP."""
        r, x = self.rng, bytearray(self.files["xlsx"])
        how = r.choice(["flip", "truncate", "eocd", "sheet", "cell", "xxe", "laughs", "sst"])
        tags.append("xlsx:" + how)
        if how == "flip":
            for _ in range(r.choice([1, 3, 10])):
                x[r.randrange(len(x))] = r.randrange(256)
            return bytes(x)
        if how == "truncate":
            return bytes(x[: r.randrange(len(x))])
        if how == "eocd":     # central directory offset, size or entry count past the end
            e, field = x.rfind(b"PK\x05\x06"), r.choice([(8, "<H"), (10, "<H"), (12, "<I"), (16, "<I")])
            x[e + field[0]: e + field[0] + struct.calcsize(field[1])] = struct.pack(field[1], r.choice([len(x) + 100, 0xFFFF if field[1] == "<H" else 0xFFFFFFFF]))
            return bytes(x)
        zin = zipfile.ZipFile(io.BytesIO(bytes(x)))
        parts = {n: zin.read(n) for n in zin.namelist()}
        name = next(n for n in parts if n.startswith("xl/worksheets/"))
        sheet = parts[name]
        if how == "sheet":
            sheet = r.choice(SHEETS)
        elif how == "cell":
            cells = list(re.finditer(rb"<t[^>]*>([^<]*)</t>", sheet))
            if cells:
                c = r.choice(cells)
                v = r.choice([b"\xe7s", b"\xff\xfe", b"&#0;", b"&#xFFFE;", b"&bogus;", b"]]>", b"<", enc(r.choice(TEXTS)).replace(b"&", b"&amp;").replace(b"<", b"&lt;")])
                sheet = sheet[: c.start(1)] + v + sheet[c.end(1):]
        elif how in ("xxe", "laughs"):
            sheet = re.sub(rb"^(<\?xml[^>]*\?>)?", lambda m: (m.group(0) or b"") + (XXE if how == "xxe" else LAUGHS), sheet, count=1)
            cells = list(re.finditer(rb"<t[^>]*>([^<]*)</t>", sheet))[20:]     # data cells, past the header row
            for c in sorted(r.sample(cells, min(3, len(cells))), key=lambda c: -c.start()):
                sheet = sheet[: c.start(1)] + (b"&e;" if how == "xxe" else b"&g;") + sheet[c.end(1):]
        else:
            parts["xl/sharedStrings.xml"] = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>x</t></si></sst>'
            idx = r.choice([b"-1", b"1", b"9223372036854775807", b"99999999999999999999", b"x"])
            sheet = re.sub(rb' t="inlineStr"><is><t[^>]*>[^<]*</t></is>', b' t="s"><v>' + idx + b"</v>", sheet, count=5)
        parts[name] = sheet
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for n, data in parts.items():
                z.writestr(n, data)
        return out.getvalue()

    def multipart(self, pairs, files):
        boundary = "fuzz%016x" % self.rng.getrandbits(64)
        out = b""
        for k, v in pairs:
            out += enc(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n') + enc(str(v)) + b"\r\n"
        for k, fname, data in files:
            out += enc(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"; filename="{fname}"\r\n'
                       f"Content-Type: application/octet-stream\r\n\r\n") + data + b"\r\n"
        return f"multipart/form-data; boundary={boundary}", out + enc(f"--{boundary}--\r\n")

    def json_body(self, key, tmpl, tags):
        r = self.rng
        if tmpl == "/api/v1/inspections/from-report":
            obj = {"inspection": {k: self.valid_value(k) for k in WEB_FIELDS["/inspections/new"].split()},
                   "responsibleUnitID": self.valid_value("unitID"), "deadline": "2018-12-31",
                   "problems": [{"number": 1, "text": "反馈问题", "status": "completed", "longTerm": False, "measures": "措施", "deadline": None}]}
            obj["inspection"].update(level="central", kind="routine", targetRegionCode=210000)
        else:
            obj = {k: self.valid_value(k) for k in API_BODIES.get(key, "").split()}
        if r.random() < 0.12:
            raw = r.choice(MALFORMED)
            tags.append(f"raw:{clip(raw, 20)}")
            return enc(raw)
        for _ in range(r.choice([0, 1, 1, 2])):        # mutate a field, maybe a nested one
            target = obj
            while isinstance(target, dict) and target and r.random() < 0.5:
                k = r.choice(sorted(target))
                if not isinstance(target[k], (dict, list)) or not target[k]:
                    break
                target = target[k] if isinstance(target[k], dict) else target[k][0]
            if not isinstance(target, dict):
                continue
            names = sorted(target) or ["x"]
            k, op = r.choice(names), r.choice(["hostile", "hostile", "drop", "unknown"])
            if op == "drop":
                target.pop(k, None)
                tags.append(f"drop:{k}")
            elif op == "unknown":
                target["unknown\u202e"] = r.choice(TEXTS)
            else:
                target[k] = self.pick_hostile(TYPES.get(k, "enum" if k in ENUMS else "text"), tags, k, False)
        text = json.dumps(obj, ensure_ascii=r.random() < 0.5)
        if r.random() < 0.05 and obj:
            k = r.choice(sorted(obj))
            text = text[:-1] + f', "{k}": ' + json.dumps(r.choice(TEXTS[:10] + BIG)) + "}"
            tags.append(f"dup:{k}")
        return enc(text)

    def generate(self):
        for _ in range(30):
            req = self._generate()
            if not any((req["route"], t) in self.suppressed for t in req["tags"]):
                return req
        return req

    def _generate(self):
        r, tags = self.rng, []
        method, tmpl = r.choices(self.routes, [3 if p in UPLOADS else 1 for _, p in self.routes])[0]   # parsers weigh more
        route = f"{method} {tmpl}"
        # Identities that were let in on this route before are chosen more, so more requests reach validation.
        weights = [w * (0.3 + self.allowed[route, i] / (1 + self.tried[route, i])) for i, w in (("anon", 20), ("office", 35), ("unit", 30), ("admin", 15))]
        ident = r.choices(["anon", "office", "unit", "admin"], weights)[0]
        if tmpl == "/login" and method == "POST":
            ident = "anon"
        headers, api = {}, tmpl.startswith("/api/")
        bearer = api and ident != "anon" and r.random() < 0.25
        if bearer:
            headers["Authorization"] = "Bearer " + self.bearer[ident]
        elif ident != "anon":
            headers["Cookie"] = self.cookies.get(ident, "")
        elif r.random() < 0.1:
            headers["Cookie"] = "rectify_session=" + r.choice(["AAAA", "x" * 500, "%00", "../"])
        if not bearer and r.random() < 0.05:
            headers["Authorization"] = "Bearer " + r.choice(["junk", "a" * 2000, "' OR 1=1 --", ""])
        if r.random() < 0.03:
            headers["Origin"] = r.choice(["http://evil.example", "null", "http://127.0.0.1:1"])
            tags.append("origin")
        accept = r.choice([None, None, "application/json", "text/html", "*/*", "application/json, text/html"])
        if accept:
            headers["Accept"] = accept
        m = method if r.random() > 0.03 else r.choice(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"])
        forms = [f for i, f in self.forms.get(tmpl, []) if i == ident] or [f for _, f in self.forms.get(tmpl, [])]
        form = r.choice(forms) if forms else None
        real_form = form and r.random() < 0.6 and tmpl not in ("/admin/users/:id/active", "/tokens/:id/revoke")   # keep the fuzzer's own users and tokens
        path = form["action"] if real_form else self.fill_path(tmpl, tags)
        if m in ("GET", "HEAD") or r.random() < 0.1:
            path += self.query(tags)
        body = b""
        if m not in ("GET", "HEAD"):
            if api and "Cookie" in headers and ident != "anon":
                token = self.csrf.get(ident, "")
                headers["X-CSRF-Token"] = token if r.random() < 0.85 else r.choice(["", "AAAA", token + "x", self.csrf.get("unit", "u")])
            if tmpl in UPLOADS and api:
                body = self.upload_content(tmpl, tags)
                headers["Content-Type"] = r.choice(["application/octet-stream", "text/plain", "text/csv", "application/json"])
                if tmpl == "/api/v1/report-drafts" and headers["Content-Type"] == "application/json":
                    body = self.json_body("POST " + tmpl, tmpl, tags)
                if "evidence" in tmpl:
                    path += ("&" if "?" in path else "?") + "name=" + urllib.parse.quote(enc(r.choice(TEXTS[:12] + ["a.pdf", "../../x.pdf"])), safe="")
            elif api:
                body = self.json_body(route, tmpl, tags)
                headers["Content-Type"] = r.choice(["application/json"] * 8 + ["text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1", "application/xml"])
            else:
                names = dict(form["fields"]) if form else {}
                for n in WEB_FIELDS.get(tmpl, "").split():
                    names.setdefault(n, [])
                names.pop("_csrf", None)
                pairs = [(n, self.valid_value(n, opts)) for n, opts in names.items()]
                pairs = [(n, "true" if v is True else "false" if v is False else v) for n, v in pairs]
                pairs = [(n, x) for n, v in pairs for x in (v if isinstance(v, list) else [v])]
                for _ in range(r.choice([0, 1, 1, 2, 3])):
                    op = r.choice(["hostile", "hostile", "drop", "dup", "unknown"])
                    if not pairs and op != "unknown":
                        continue
                    i = r.randrange(len(pairs)) if pairs else 0
                    if op == "hostile":
                        pairs[i] = (pairs[i][0], self.pick_hostile(TYPES.get(pairs[i][0], "text"), tags, pairs[i][0], True))
                    elif op == "drop":
                        tags.append("drop:" + pairs.pop(i)[0])
                    elif op == "dup":
                        pairs.append((pairs[i][0], r.choice(TEXTS[:12] + BIG)))
                        tags.append("dup:" + pairs[i][0])
                    else:
                        pairs.append(("unknown", r.choice(TEXTS)))
                token = self.csrf.get(ident, "")
                if ident != "anon" and tmpl != "/logout" and r.random() < 0.85:
                    pairs.append(("_csrf", token))
                elif r.random() < 0.7:
                    pairs.append(("_csrf", r.choice(["", "AAAA", token + "x", self.csrf.get("unit", "u"), "\u0000" + token])))
                files = []
                if (tmpl in UPLOADS and r.random() < 0.7) or r.random() < 0.05:
                    files = [("file", r.choice(["a.csv", "报告.txt", "../../etc/passwd", "x\u0000.xlsx", "辽\"<>.pdf"]), self.upload_content(tmpl, tags))]
                how = "multipart" if files else r.choices(["multipart", "form", "json", "text"], [8, 80, 6, 6])[0]
                if how == "multipart":
                    headers["Content-Type"], body = self.multipart(pairs, files)
                elif how == "json":
                    headers["Content-Type"], body = "application/json", enc(json.dumps(dict(pairs), ensure_ascii=False))
                else:
                    body = enc("&".join(urllib.parse.quote(enc(str(k)), safe="") + "=" + urllib.parse.quote(enc(str(v)), safe="") for k, v in pairs))
                    headers["Content-Type"] = "text/plain" if how == "text" else "application/x-www-form-urlencoded"
            if r.random() < 0.01:
                body, tags = b"x" * (1024 * 1024 + 7), tags + ["oversized"]
            if r.random() < 0.02:
                headers.pop("Content-Type", None)
                tags.append("no-content-type")
        mutating = m not in ("GET", "HEAD", "OPTIONS") and tmpl not in READONLY_POSTS
        return {"method": m, "path": path, "headers": headers, "body": body, "ident": ident, "route": route, "tags": tags, "mutating": mutating}

    # -- sending and checking
    def fail(self, kind, req, status, message, extra=""):
        msg = re.sub(r"\d+", "#", re.sub(r"0x[0-9a-fA-F]+", "0x", message.strip()))[:240]
        sig = f"{kind} {req['route']} {status} {msg}"
        self.seen[sig] += 1
        if self.seen[sig] == 1:
            self.failures.append({"sig": sig, "kind": kind, "route": req["route"], "status": status, "message": message.strip()[:600],
                                  "extra": extra, "req": req})
        self.fail_log.write(json.dumps({"sig": sig, "method": req["method"], "path": req["path"], "headers": req["headers"],
                                        "ident": req["ident"], "tags": req["tags"], "body_b64": base64.b64encode(req["body"]).decode(), "extra": extra}) + "\n")
        self.fail_log.flush()
        if kind == "crash" and self.seen[sig] >= 2:
            self.suppressed.update((req["route"], t) for t in req["tags"])

    def server_error(self, text):
        text = re.sub(r"\[[^\]\n]*request-id[^\]\n]*\]|[0-9A-Fa-f]{8}-[0-9A-Fa-f-]{27}", "", text)
        text = re.sub(r"\S*\[ ?ERROR ?\] [A-Z]+ \S+ failed:", "failed:", text)
        lines = [l for l in text.splitlines() if re.search(r"Fatal error|Program crashed|runtime failure|failed:|Precondition|Assertion", l)]
        frames = [f for f in re.findall(r"^\s*\d+\s+(?:\[[^\]]*\]\s*)*0x[0-9a-f]+ (.+?) \+ \d+ in (\S+)(?: at (\S+))?$", text, re.M)
                  if not re.search(r"assertionFailure|fatalError|precondition|^@objc", f[0])]
        where = ""
        if frames:   # the first frame past the runtime's own, with its source line when known
            fn, image, loc = frames[0]
            where = f" in {re.sub(r'[(].*', '()', fn)[:100]} ({re.split(r'/(?:Sources|checkouts)/', loc)[-1] if loc else image})"
        return (" / ".join(l.strip()[:300] for l in lines[:2]) or text.strip()[-300:]) + where

    def send(self, req, count=True):
        """Sends one request; returns (status or None, body). Records failures, restarts after a crash."""
        offset = self.server.log_size()
        source = LOGIN_SOURCE if req["route"] == "POST /login" else "127.0.0.1"
        t0 = time.time()
        try:
            st, h, body, _ = http_send(req["method"], req["path"], req["headers"], req["body"], source)
        except (OSError, http.client.HTTPException) as e:
            st, h, body = None, {}, b""
            head = len(req["path"]) + sum(len(k) + len(v) for k, v in req["headers"].items())
            for _ in range(20 if head <= 80 * 1024 else 0):
                if not self.server.alive():
                    break
                time.sleep(0.1)
            if not self.server.alive():
                self.fail("crash", req, "crash", self.server_error(self.server.log_since(offset)) or f"exit {self.server.proc.returncode}",
                          self.server.log_since(offset)[-3000:])
                self.restarts += 1
                self.server.start()
            elif head > 80 * 1024 and self.server.healthy():
                pass                                     # NIO closes a connection whose request head is over 80 KB
            else:
                kind = "timeout" if isinstance(e, socket.timeout) else "no-response"
                self.fail(kind, req, kind, f"{type(e).__name__}: {e}")
                if not self.server.healthy():
                    self.server.stop()
                    self.restarts += 1
                    self.server.start()
        self.check_output(req, st, h, body)
        if body and b"root:x:0:0" in body:
            self.fail("leak", req, st, "response contains /etc/passwd (XML external entity?)")
        if st is not None and st >= 500:
            try:
                message = json.loads(body).get("message", "")
            except (ValueError, AttributeError):
                message = ""
            log = self.server.log_since(offset)
            self.fail("5xx", req, st, self.server_error(log) if log.strip() else message or clip(body, 200))
        if st == 401 or (st in (302, 303) and h.get("location") == "/login"):
            if req["ident"] != "anon" and "Cookie" in req["headers"] and not req.get("replay"):
                self.stale.add(req["ident"])
        if count:
            self.tried[req["route"], req["ident"]] += 1
            self.allowed[req["route"], req["ident"]] += st not in (None, 401, 403, 404) and not h.get("location", "").endswith("/login")
            self.sent += 1
            self.by_ident[req["ident"]] += 1
            self.stats[req["route"]]["err" if st is None else f"{st // 100}xx"] += 1
        code = re.search('"code":"(\\w+)"|错误代码:([\\w.]+)'.encode(), body or b"")
        code = (code.group(1) or code.group(2)).decode() if code else "-"
        self.codes[f"{st} {code}"] += count
        self.req_log.write(f"{st} {code} {req['ident']} {req['method']} {clip(req['path'], 200)} {len(req['body'])}B {req['headers'].get('Content-Type', '-').split(';')[0]} {time.time() - t0:.3f}s\n")
        req["status"], req["location"] = st, h.get("location", "")
        return st, body

    def check_output(self, req, st, h, body):
        """200 answers must be well-formed: Office files as ZIPs of well-formed XML, JSON as JSON; HTML escapes input."""
        ctype = h.get("content-type", "").split(";")[0]
        if st != 200 or req["method"] == "HEAD" or not body:
            return
        try:
            if "openxmlformats" in ctype:
                with zipfile.ZipFile(io.BytesIO(body)) as z:
                    for n in z.namelist():
                        if n.endswith((".xml", ".rels")):
                            try:
                                xml.etree.ElementTree.fromstring(z.read(n))
                            except xml.etree.ElementTree.ParseError as e:
                                raise ValueError(f"{n}: {e}") from None
            elif ctype == "application/json":
                json.loads(body)
            elif ctype == "text/html" and b"<script>alert(1)</script>" in body:
                self.fail("xss", req, st, "a page carries <script>alert(1)</script> unescaped")
        except (ValueError, zipfile.BadZipFile) as e:
            self.fail("bad-output", req, st, f"{ctype} answer is not well-formed: {e}")

    @staticmethod
    def refused(req):
        st = req["status"]
        return st is None or st >= 400 or (300 <= st < 400 and req["location"].endswith("/login"))

    def check(self, before, reqs, strict):
        """`before` is the dump before `reqs`; fails if only refusals ran and the data changed."""
        after = dump(self.server)
        if any(r["mutating"] and not self.refused(r) for r in reqs):
            self.unchecked_batches += not strict
            self.success_changes += strict and after != before    # shows the dump does see writes
            return after
        self.checked_batches += not strict
        changes = diff(before, after)
        if not changes:
            return after
        if strict or len(reqs) == 1:
            st = reqs[0]["status"]
            self.fail("data-changed", reqs[0], st, f"refused ({st}) but changed " + ", ".join(c.split(":")[0] for c in changes), "\n".join(changes))
            return after
        found, cur = False, after                          # replay one at a time to name the culprit
        for r in reqs:
            r = dict(r, replay=True)
            self.send(r, count=False)
            nxt = dump(self.server)
            ch = diff(cur, nxt)
            if ch and self.refused(r):
                found = True
                self.fail("data-changed", r, r["status"], f"refused ({r['status']}) but changed " + ", ".join(c.split(":")[0] for c in ch), "\n".join(ch))
            cur = nxt
        if not found:
            self.fail("data-changed", reqs[-1], "batch", "a batch of refused requests changed " + ", ".join(c.split(":")[0] for c in changes),
                      "\n".join(changes) + "\nbatch: " + "; ".join(f"{r['method']} {clip(r['path'], 80)}" for r in reqs))
        return cur

    def between_batches(self):
        if not self.server.alive() or not self.server.healthy():
            self.fail("crash", {"route": "healthz", "method": "GET", "path": "/healthz", "headers": {}, "body": b"", "ident": "-", "tags": []},
                      "down", "server not healthy between batches")
            self.server.stop()
            self.restarts += 1
            self.server.start()
        for ident in sorted(self.stale):   # a 401 may come from a forged Bearer token: ask before logging in again
            if http_send("GET", "/api/v1/settings", {"Cookie": self.cookies[ident]}, b"")[0] == 401:
                self.login(ident)
        self.stale.clear()

    def run(self):
        started = time.time()
        self.server.start()
        self.discover_routes()
        for ident in USERS:
            self.login(ident)
            self.make_bearer(ident)
        self.harvest()
        self.seed_hostile()
        setup = time.time() - started
        print(f"fuzz: {len(self.routes)} routes, seed {SEED}, setup {setup:.0f}s; {len(self.hot['tasks'])} tasks hold hostile text; ids: " +
              ", ".join(f"{k} {len(v)}" for k, v in sorted(self.ids.items())), flush=True)
        deadline, last = time.time() + SECONDS, dump(self.server)
        while self.sent < min(STRICT, TOTAL) and time.time() < deadline:   # strict pass
            req = self.generate()
            if not req["mutating"]:
                continue
            self.send(req)
            last = self.check(last, [req], strict=True)
            if self.stale:
                self.between_batches()
        batches = 0
        while self.sent < TOTAL and time.time() < deadline:
            reqs = [self.generate() for _ in range(min(BATCH, TOTAL - self.sent))]
            for req in reqs:
                self.send(req)
            last = self.check(last, reqs, strict=False)
            self.between_batches()
            batches += 1
            if batches % 60 == 0:
                self.harvest(deep=False)
                last = dump(self.server)
            if batches % 20 == 0:
                print(f"fuzz: {self.sent} requests, {sum(self.seen.values())} failures, {time.time() - started:.0f}s", flush=True)
        self.server.stop()
        return time.time() - started

    def report(self, elapsed):
        print(f"\n{'route':58} {'sent':>5} {'2xx':>5} {'3xx':>5} {'4xx':>5} {'5xx':>5} {'err':>4}")
        totals = collections.Counter()
        for m, p in self.routes:
            c = self.stats[f"{m} {p}"]
            totals.update(c)
            print(f"{m + ' ' + p:58} {sum(c.values()):5} " + " ".join(f"{c[k]:5}" for k in ("2xx", "3xx", "4xx", "5xx")) + f" {c['err']:4}")
        print(f"{'all':58} {self.sent:5} " + " ".join(f"{totals[k]:5}" for k in ("2xx", "3xx", "4xx", "5xx")) + f" {totals['err']:4}")
        print("answers: " + ", ".join(f"{k} {v}" for k, v in self.codes.most_common(25)))
        print("by identity: " + ", ".join(f"{k} {v}" for k, v in sorted(self.by_ident.items())))
        print(f"data checks: {STRICT} strict ({self.success_changes} successful writes among them changed the dump), {self.checked_batches} batches checked, {self.unchecked_batches} unchecked "
              f"(a mutation succeeded); {self.restarts} restarts; {elapsed:.0f}s; work dir {self.work}")
        if self.sent < TOTAL:
            print(f"NOTE: time limit reached after {self.sent} of {TOTAL} requests (raise RECTIFY_FUZZ_SECONDS)")
        print(f"\n{len(self.failures)} distinct failures:")
        for n, f in enumerate(self.failures, 1):
            q = f["req"]
            print(f"[{n}] {f['kind']} {f['route']} -> {f['status']}  (x{self.seen[f['sig']]})\n    message: {f['message']}")
            print(f"    request: {q['method']} {clip(q['path'], 300)}  as {q['ident']}\n    headers: {clip(json.dumps(q['headers'], ensure_ascii=False), 300)}")
            if q["body"]:
                print(f"    body ({len(q['body'])} bytes): {clip(q['body'], 300)!r}")
            if f["kind"] == "data-changed":
                print("    " + clip(f["extra"], 800).replace("\n", "\n    "))
        failed = sum(self.seen.values())
        print(f"\nfuzz: {self.sent - failed} passed, {failed} failed ({len(self.failures)} distinct)")
        return 1 if failed else 0


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: fuzz-server.py RECTIFY_BIN")
    global PORT
    if not PORT:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            PORT = s.getsockname()[1]
    work = E.get("RECTIFY_FUZZ_WORK") or tempfile.mkdtemp(prefix="rectify-fuzz.")
    os.makedirs(work, exist_ok=True)
    fz = Fuzzer(os.path.abspath(sys.argv[1]), work)
    try:
        elapsed = fz.run()
    finally:
        fz.server.stop()
    sys.exit(fz.report(elapsed))


if __name__ == "__main__":
    main()
