"""Run what git pins on this machine: an environment's rendered overlay played with
`podman kube play` (`up`/`down`), its verification Job's pod against it (`verify`), the
scoring CronJob's pod (`score-pod`), and a pull request's preview (`preview`: its image
played as staging, verified, fed bad input, with the rendered diffs of every environment).
Owns the podman side only; it reads releases and writes evidence through `gitops`, and
`gitops` must never import it.
"""
