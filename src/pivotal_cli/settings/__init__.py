"""Local settings: the config file, stored keys, and the one place that decides which
key and base URL a command uses."""
