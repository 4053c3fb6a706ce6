"""Promotion in git: every change to what runs in an environment is a commit.

Owns the release files, set-image, promote, rollback, holds, verification evidence, the PR
bodies and rendering (`python -m gitops set-image|promote|rollback|render|golden`). Imports
`model` only; never `kubeplay`, `bento` or `platform_setup`. See argocd/README.md.
"""
