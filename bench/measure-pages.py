#!/usr/bin/env python3
"""Times pages of a running Rectify server as a logged-in browser would fetch them.
    measure-pages.py BASE_URL LOGIN PASSWORD PATH [PATH ...]
Logs in through the form, warms each page twice, then fetches it 30 times in a row and
prints the median and 95th percentile of the time to the last byte (loopback, so this
is the server's time plus a fraction of a millisecond), and the page size."""
import http.cookiejar, statistics, sys, time, urllib.parse, urllib.request

base, login, password, paths = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
if login != "-":
    opener.open(base + "/login", data=urllib.parse.urlencode({"login": login, "password": password}).encode()).read()
print(f"{'page':<58} {'median ms':>10} {'p95 ms':>8} {'KB':>6}  (as {login})")
for path in paths:
    for _ in range(2):
        opener.open(base + path).read()
    times, size = [], 0
    for _ in range(30):
        start = time.perf_counter()
        with opener.open(base + path) as r:
            body = r.read()
            status = r.status
        times.append((time.perf_counter() - start) * 1000)
        size = len(body)
    times.sort()
    print(f"{path:<58} {statistics.median(times):>10.1f} {times[int(len(times) * 0.95) - 1]:>8.1f} {size / 1024:>6.0f}  {status}")
