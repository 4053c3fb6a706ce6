"""A bad deploy opens its own rollback: Alertmanager's webhook receiver that, when the
service's error or latency alert fires within a window after a promotion, makes the rollback
with gitops' own rollback (the code of `make rollback`) and proposes it as a PR with the alert
in its body; a person merges it. Imports `gitops`; `gitops` must never import it.
See docs/operating.md.
"""
