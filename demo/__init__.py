"""`make demo`: the main job end to end on one machine, printed as a short narrative.

Imports `model` and `bento`; drives `gitops` and `kubeplay` through their CLIs only.
"""
