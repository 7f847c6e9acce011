"""Several processes on one PostgreSQL database: `reportbot run --role web|worker|all`.

`roles` says what each role runs; `consumer` is the worker's claim-and-handle loop. The store
side lives in `reportbot.store.inbox` (claims) and `reportbot.store.versions` (optimistic
concurrency on a unit's report). See docs/DEPLOY.md, "Running several workers".
"""
