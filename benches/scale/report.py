#!/usr/bin/env python3
"""The markdown table of benches/scale/run.sh, from its plan.tsv and results.tsv.

A row is within budget when its p99 at 16 connections is at most the budget and every response
was 2xx with no socket error or timeout (a fast error page is not a fast page). The server's
RSS budget, 64 MiB, is judged on the peak over the whole run.
"""

import os
import sys

RSS_BUDGET_MIB = 64
E = os.environ


def mib(kib):
    return f"{int(kib) / 1024:.0f} MiB"


def parse(result):
    return dict(field.split("=", 1) for field in result.split())


def ms(value):
    v = float(value)
    return f"{v:.1f}" if v < 100 else f"{v:.0f}"


plan_file, results_file = sys.argv[1], sys.argv[2]
skipped = []
for line in open(plan_file, encoding="utf-8"):
    f = line.rstrip("\n").split("\t")
    if len(f) >= 3 and f[1] == "SKIP":
        skipped.append((f[0], f[2]))

print(f"### {E['REPORT_BACKEND']}: {int(E['REPORT_CASES']):,} cases\n")
print("```sh")
print(f"GONGKAI_BIN={E['REPORT_BINARY']} {E['REPORT_COMMAND']}")
print("```\n")
print(f"Database `{E['REPORT_URL']}` ({int(E['REPORT_CASES']):,} cases; {E['REPORT_FILL']}; "
      "never ANALYZEd by the script). A clerk and a supervisor of "
      f"{E['REPORT_DEPARTMENT']}, signed in through /login (pages) and /api/v1/session (API); "
      "case paths over 200 random cases of the department, the lookups over 200 online filings "
      f"made by the script (not yet registered); wrk -t2, {E['REPORT_SECONDS']} s per "
      "run, at 4 and at 16 connections. Latencies in ms; budgets from issue 21, judged on p99 at "
      "16 connections.\n")
print("| path | budget | 4 conn p50 / p99 | 16 conn p50 / p99 | req/s (4 / 16) | non-2xx | peak RSS | within budget? |")
print("|---|---|---|---|---|---|---|---|")
flagged = []
notes = []
for line in open(results_file, encoding="utf-8"):
    label, budget, who, r4, r16, peak, note = line.rstrip("\n").split("\t")
    a, b = parse(r4), parse(r16)
    bad = int(a["non2xx"]) + int(b["non2xx"])
    socket = int(a["socket"]) + int(b["socket"])
    requests = int(a["requests"]) + int(b["requests"])
    status = a["status"] if a["status"] != "-" else b["status"]
    cell = "0"
    if bad:
        cell = f"**{bad} of {requests} ({status})**"
    if socket:
        cell += f", **{socket} socket errors/timeouts**"
    # Nothing answered within a run: the server was still busy with earlier requests.
    silent = [n for n, r in ((4, a), (16, b)) if int(r["requests"]) == 0]
    if silent:
        cell += f", **nothing answered at {' and '.join(map(str, silent))} conn.**"
    if bad or socket or silent:
        flagged.append((label, who, cell, note))
    elif note not in ("", "-"):
        notes.append((label, note))
    if budget == "-":
        verdict = "—"
    else:
        ok = float(b["p99"]) <= float(budget) and not bad and not socket and not silent
        verdict = "yes" if ok else "**no**"
    budget_cell = "—" if budget == "-" else f"≤ {budget} ms"
    print(f"| {label} *({who})* | {budget_cell} | {ms(a['p50'])} / {ms(a['p99'])} | "
          f"{ms(b['p50'])} / {ms(b['p99'])} | {float(a['rps']):,.0f} / {float(b['rps']):,.0f} | "
          f"{cell} | {mib(peak)} | {verdict} |")

peak = int(E["REPORT_RSS_PEAK"])
print(f"\nServer RSS: {mib(E['REPORT_RSS_START'])} at start, **{mib(peak)} peak over the run** "
      f"(budget {RSS_BUDGET_MIB} MiB: {'within' if peak <= RSS_BUDGET_MIB * 1024 else '**over**'}).")

if flagged:
    print("\nAnswered other than 2xx (the probe's first answer as each user tried):\n")
    for label, who, cell, note in flagged:
        print(f"- {label} as {who}: {cell}" + (f" — {note}" if note not in ("", "-") else ""))

if notes:
    print("\nNotes:\n")
    for label, note in notes:
        print(f"- {label}: {note}")

if skipped:
    print("\nNot measured:\n")
    for label, reason in skipped:
        print(f"- {label}: {reason}")
