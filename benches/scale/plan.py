#!/usr/bin/env python3
"""What benches/scale/run.sh measures: one row per path, written to $WORK/plan.tsv.

The rows come from the code, not from a hand-kept list, so that a new page or API route shows
up in the table by itself:
  - every GET page under /staff and /admin of the `page_routes!` list in
    crates/api/src/pages/mod.rs (the pages clerks, supervisors and admins use), plus the
    queue's search (/staff/queue?q=...);
  - the public lookup, through the API and through the web form;
  - every GET operation of the OpenAPI document the running server serves.

Path parameters are filled from the data: {id} of a case from the 200 random case ids of the
department (case-ids.txt), notices from those cases' notices, the agency from the department.
Parameters the demo has no data for (attachments, redaction jobs, release tokens) are
skipped with the reason. Each row is probed once anonymously (API only), as the clerk, then
as the supervisor; the first that answers 2xx is the one measured. A row no role gets 2xx from
is still measured (and flagged in the table), except the admin-only and applicant-only ones,
which are skipped with the status the clerk and the supervisor got.

Input (environment): BASE, WORK, PAGES_SOURCE, YEAR, AGENCY, SEARCH, METRICS_TOKEN,
CLERK_TOKEN, CLERK_COOKIE, SUPERVISOR_TOKEN, SUPERVISOR_COOKIE; files in WORK: case-ids.txt
(one id a line) and keys.txt ("case_id reference query_code" of fresh filings).
Output: WORK/plan.tsv, one row a line, tab-separated:
  label, budget in ms or "-", who, token, cookie, paths file, note   (a measured row)
  label, "SKIP", reason                                             (a skipped row)
and WORK/paths-N.txt, the request lines for benches/scale/paths.lua.
"""

import http.client
import json
import os
import re
import secrets
import sys
import urllib.parse

E = os.environ
WORK = E["WORK"]
BASE = urllib.parse.urlsplit(E["BASE"])
SEARCH = E.get("SEARCH", "老旧小区")

# Budgets of issue 21, point 2 (milliseconds, p99 at 16 connections). A row not named here
# has none ("—" in the table). The API route that serves the same figure as a page gets the
# page's budget: the issue budgets the function (queue, dashboard, ...), not one URL.
BUDGETS = {
    "GET /staff/queue": 20,
    "GET /api/v1/cases": 20,
    "GET /staff/cases/{id}": 20,
    "GET /api/v1/cases/{id}": 20,
    "POST /api/v1/lookup": 20,
    "POST /lookup": 20,
    "GET /staff/dashboard": 30,
    "GET /api/v1/supervision/dashboard": 30,
    "GET /api/v1/cases/{id}/similar": 20,
    "GET /staff/stats": 100,
    "GET /api/v1/statistics/monthly": 100,
    "GET /staff/frequent": 100,
    "GET /api/v1/frequent": 100,
    "GET /staff/report": 200,
    "GET /api/v1/reports/annual": 200,
    f"GET /staff/queue?q={SEARCH}": 100,
    f"GET /api/v1/search?q={SEARCH}": 100,
}

# Query parameters the document marks required, and a value for each.
REQUIRED_VALUES = {"year": E["YEAR"], "q": SEARCH}
# Query strings added to a route as the pages use it (the queue's page of 50, as in
# benches/http and docs/PERFORMANCE.md).
EXTRA_QUERY = {"/api/v1/cases": "limit=50"}

WHO = {
    "anonymous": ("", ""),
    "clerk": (E["CLERK_TOKEN"], E["CLERK_COOKIE"]),
    "supervisor": (E["SUPERVISOR_TOKEN"], E["SUPERVISOR_COOKIE"]),
    "metrics": (E["METRICS_TOKEN"], ""),
}


def quote(path):
    """A path with its query, percent-encoded where it is not ASCII."""
    return urllib.parse.quote(path, safe="/?=&%.-_~:|")


def request(method, path, token="", cookie="", content_type="", body=None):
    """One request, redirects not followed (a 303 to /login must show as such)."""
    conn = http.client.HTTPConnection(BASE.hostname, BASE.port, timeout=300)
    headers = {}
    if token:
        headers["Authorization"] = "Bearer " + token
    if cookie:
        headers["Cookie"] = cookie
    if content_type:
        headers["Content-Type"] = content_type
    conn.request(method, quote(path), body=body, headers=headers)
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, r.getheader("Location") or "", r.getheader("Content-Type") or "", data


def describe(status, location, ctype, data):
    """A short account of a response for the table's notes, on one line."""
    return " ".join(_describe(status, location, ctype, data).split())


def _describe(status, location, ctype, data):
    if 300 <= status < 400:
        return f"{status} → {location}"
    text = data[:4000].decode("utf-8", "replace")
    if "json" in ctype:
        try:
            p = json.loads(text)
            return f"{status} {p.get('code', '')}: {p.get('detail') or p.get('title') or ''}".strip()
        except ValueError:
            pass
    m = re.search(r"<title>(.*?)</title>", text, re.S)
    errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>(.*?)<', text, re.S)
    said = " ".join(x.strip() for x in ([m.group(1)] if m else []) + errors[:2] if x.strip())
    return f"{status} {said or text[:160]!r}"


def api_json(path, who="clerk"):
    token, _ = WHO[who]
    status, _, _, data = request("GET", path, token=token)
    return json.loads(data) if status == 200 else None


cases = [line.strip() for line in open(os.path.join(WORK, "case-ids.txt")) if line.strip()]
keys = [line.split() for line in open(os.path.join(WORK, "keys.txt")) if line.strip()]
if not cases:
    sys.exit("plan.py: no case ids of the department")

# Data the cases have, looked up through the API once: their notices and attachments.
notices, attachments = [], []
for cid in cases:
    for n in api_json(f"/api/v1/cases/{cid}/notices") or []:
        notices.append(n["id"])
    for a in api_json(f"/api/v1/cases/{cid}/attachments") or []:
        attachments.append((cid, a["id"]))
print(f"plan: {len(cases)} cases, {len(notices)} notices, {len(attachments)} attachments",
      file=sys.stderr)

NO_ATTACHMENTS = (f"no data in demo: the {len(cases)} cases have no attachments "
                  "(`gongkai demo` uploads no files)")


_replied = None


def replied_cases():
    """The cases that have a print package: those whose reply was approved. The others answer
    409 wrong_status by design, which would hide the figure of the ones that have one."""
    global _replied
    if _replied is None:
        token = WHO["clerk"][0]
        _replied = [c for c in cases
                    if request("GET", f"/api/v1/cases/{c}/package", token=token)[0] == 200]
    return _replied


def lines_for(template):
    """(request lines, note) of a path template, or (None, reason) when it has no data."""
    path = template
    if path.endswith(("/package", "/package.zip")) and "/cases/{id}" in path:
        with_package = replied_cases()
        if not with_package:
            return None, f"no data in demo: none of the {len(cases)} cases has an approved reply"
        return [path.replace("{id}", c) for c in with_package], (
            f"over the {len(with_package)} of the {len(cases)} cases that have an approved reply "
            "(the others answer 409 wrong_status by design)")
    if "{attachment}" in path or path.startswith("/api/v1/attachments/"):
        return None, NO_ATTACHMENTS
    if "{job}" in path:
        return None, "no data in demo: a redaction job needs an attachment"
    if "{token}" in path:
        return None, "no data in demo: release links are made when a reply is e-mailed"
    if "{key}" in path:
        return None, "needs a template key (admin only, see /admin)"
    if "{code}" in path:
        path = path.replace("{code}", E["AGENCY"])
    if "/notices/{id}" in path:
        if not notices:
            return None, "no data in demo: the cases have no notices"
        return [path.replace("{id}", n) for n in notices[:200]], None
    if "/cases/{id}" in path:
        return [path.replace("{id}", c) for c in cases], None
    if "{" in path:
        return None, "no rule for its path parameters (add one to benches/scale/plan.py)"
    return [path], None


rows = []  # (label, kind, method, lines or None, reason, candidates)


def add(label, kind, lines, reason, candidates, method="GET"):
    rows.append((label, kind, method, lines, reason, candidates))


# The pages: every GET page under /staff and /admin of page_routes!.
source = open(E["PAGES_SOURCE"], encoding="utf-8").read()
block = source[source.index("page_routes! {"):]
for path in re.findall(r'^\s*GET\s+"(/(?:staff|admin)[^"]*)"', block, re.M):
    lines, reason = lines_for(path)
    if path == "/staff/registered" and lines:
        # The receipt after registering shows the case named by the receipt cookie
        # (hex of "case_id.query_code"); the fresh filings give real ones.
        lines = [f"{path}\tgongkai_receipt={(k[0] + '.' + k[2]).encode().hex()}" for k in keys]
    add(f"GET {path}", "page", lines, reason, ["clerk", "supervisor"])
    if path == "/staff/queue":
        add(f"GET /staff/queue?q={SEARCH}", "page", [f"/staff/queue?q={SEARCH}"], None,
            ["clerk", "supervisor"])

# The public lookup: a filing reference and its query code, through the API and the web form
# (the form's CSRF check is a double submit: the same random token as cookie and field).
form = secrets.token_hex(32)
add("POST /api/v1/lookup", "api",
    ["/api/v1/lookup\t-\tapplication/json\t" + json.dumps({"reference": k[1], "query_code": k[2]})
     for k in keys], None, ["anonymous"], method="POST")
add("POST /lookup", "page",
    [f"/lookup\tgongkai_form={form}\tapplication/x-www-form-urlencoded\t"
     + urllib.parse.urlencode({"csrf": form, "reference": k[1], "query_code": k[2]}) for k in keys],
    None, ["anonymous"], method="POST")

# The API: every GET operation of the OpenAPI document, as served.
status, _, _, data = request("GET", "/api/v1/openapi.json")
if status != 200:
    sys.exit(f"plan.py: GET /api/v1/openapi.json answered {status}")
doc = json.loads(data)
for path, item in doc["paths"].items():
    op = item.get("get")
    if not op:
        continue
    query = []
    missing = []
    for p in op.get("parameters", []):
        if p.get("in") == "query" and p.get("required"):
            if p["name"] in REQUIRED_VALUES:
                query.append(f"{p['name']}={REQUIRED_VALUES[p['name']]}")
            else:
                missing.append(p["name"])
    if path in EXTRA_QUERY:
        query.append(EXTRA_QUERY[path])
    label = f"GET {path}" + (f"?{'&'.join(query)}" if query else "")
    if path == "/api/v1/search":
        label = f"GET /api/v1/search?q={SEARCH}"
    if missing:
        add(label, "api", None, f"no value for required parameter {', '.join(missing)}", [])
        continue
    if path.startswith("/api/v1/my/"):
        add(label, "api", None, "applicant only (an applicant's own requests; "
            "the demo's applicants have no accounts)", [])
        continue
    lines, reason = lines_for(path)
    if lines and query:
        lines = [f"{line}?{'&'.join(query)}" for line in lines]
    who = ["metrics"] if path == "/metrics" else ["anonymous", "clerk", "supervisor"]
    add(label, "api", lines, reason, who)

# Probe each row with its first request line, as each candidate in turn.
out = []
admin_refused = None
n = 0
for label, kind, method, lines, reason, candidates in rows:
    if lines is not None:
        note, reason = reason or "", None
    if lines is None:
        if "{key}" in label and admin_refused:
            reason = f"admin only (as /admin: {admin_refused})"
        out.append(f"{label}\tSKIP\t{reason}")
        continue
    first = lines[0].split("\t")
    path, extra = first[0], (first[1] if len(first) > 1 and first[1] != "-" else "")
    ctype, body = (first[2], first[3].encode()) if len(first) > 3 else ("", None)
    tried = []
    chosen = None
    for who in candidates:
        token, cookie = WHO[who]
        if kind == "page":
            token = ""  # pages go by the session cookie, as in a browser
        else:
            cookie = ""
        sent_cookie = "; ".join(c for c in (cookie, extra) if c)
        got = request(method, path, token, sent_cookie, ctype, body)
        tried.append((who, got))
        if 200 <= got[0] < 300:
            chosen = (who, token, cookie, got)
            break
    if chosen is None:
        said = "; ".join(f"{w}: {describe(*g)}" for w, g in tried)
        admin_only = label.startswith(("GET /admin", "GET /api/v1/admin"))
        if admin_only and all(g[0] in (401, 403, 404) for _, g in tried):
            if label == "GET /admin":
                admin_refused = said
            out.append(f"{label}\tSKIP\tadmin only ({said})")
            continue
        # Measured anyway, as the clerk (the first signed-in candidate): flagged in the table.
        who, g = tried[1] if tried[0][0] == "anonymous" and len(tried) > 1 else tried[0]
        token, cookie = WHO[who]
        token, cookie = ("", cookie) if kind == "page" else (token, "")
        chosen = (who, token, cookie, g)
        note = "; ".join(x for x in (note, said) if x)
    who, token, cookie, g = chosen
    n += 1
    name = os.path.join(WORK, f"paths-{n}.txt")
    with open(name, "w", encoding="utf-8") as f:
        for line in lines:
            # wrk sends the path as written: percent-encode it (the search term is Chinese).
            path, *rest = line.split("\t")
            f.write("\t".join([method, quote(path), *rest]) + "\n")
    # The route's budget also holds with a query string (?limit=50, ?year=...).
    budget = BUDGETS.get(label, BUDGETS.get(label.split("?")[0], "-"))
    # "-" for an empty field: bash's read would merge two tabs into one.
    out.append("\t".join(x or "-" for x in [label, str(budget), who, token, cookie, name, note]))

with open(os.path.join(WORK, "plan.tsv"), "w", encoding="utf-8") as f:
    f.write("\n".join(out) + "\n")
