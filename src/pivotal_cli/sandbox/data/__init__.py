"""The sandbox's data layer: the SQLite store, keys, ids, time and paths."""
