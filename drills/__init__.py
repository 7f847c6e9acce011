"""Fault drills: the bot run as a separate process against the fakes, with faults injected.

Each drill starts the fakes of `tests/fakes/` on 127.0.0.1 in its own process, runs
`reportbot run` as a child process pointed at them, injects faults (`kill -9`, duplicated and
out-of-order updates, fuzzed bodies, a private PostgreSQL server stopped or frozen) and prints
what a user would have noticed: answers acknowledged, lost, duplicated, replies lost, 5xx,
tracebacks in the log, time to recover. See docs/RELIABILITY.md for the commands and figures.
"""
