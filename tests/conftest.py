"""Fixtures shared across areas live in tests/fixtures/ and are registered here."""

pytest_plugins: list[str] = []
