class Refusal(Exception):
    """Bad input or state: the CLI prints the one-sentence message and changes nothing."""


class Failed(Exception):
    """A check ran and failed (its result is recorded): the CLI prints it and exits non-zero."""
