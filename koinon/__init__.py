"""Koinon: a web platform for communities of practice."""
