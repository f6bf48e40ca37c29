"""pivotal: the command-line tool for operating a Pivotal workspace."""

__version__ = "0.1.0"
