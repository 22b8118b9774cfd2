"""Persistence: the embedded SQLite database, its migrations, the seed data and repositories.

Repositories return and accept ``desktop.core`` values; SQL stays in this package.
"""
