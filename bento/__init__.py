"""BentoML service for the bike-rental demand model."""
