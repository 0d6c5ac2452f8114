"""carto-santé: read, clean and analyse France's 2014 public health data cartography."""

from helpers.core.errors import CartoError

__all__ = ["CartoError"]
