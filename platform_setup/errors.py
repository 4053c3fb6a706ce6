class ConfigError(Exception):
    """Bad input: the CLI prints the one-sentence message, exits non-zero, writes nothing."""
