"""Comptoir: offres et bons de commande iMio, hors ligne."""

__version__ = "0.2.0"
