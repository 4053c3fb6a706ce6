"""GitOps CLI: every change to what runs in an environment is a git commit.

`python -m gitops set-image|promote|rollback|render`; see argocd/README.md.
"""
