"""The recipes make runs that are longer than a line or two: one module per job, run as
`python -m scripts.<module>` from the repository root (make passes the arguments). Standard
library only, so they run before the virtualenv exists; each has tests under tests/scripts/.
"""
