class Refusal(Exception):
    """Bad input or state: the CLI prints the one-sentence message and changes nothing."""
