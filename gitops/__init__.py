"""GitOps CLI: every change to what runs in an environment is a git commit.

`python -m gitops set-image|promote|rollback|render` change and show what git pins;
`up|down|verify|score-pod` run it here with podman kube play; `golden` records the golden
set. See argocd/README.md.
"""
