"""Homeport: a self-hosted AI platform with an OpenAI-compatible gateway."""

__version__ = "0.1.0"
