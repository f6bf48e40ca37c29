"""Rendering: the one output object (two streams, terminal or pipe, every format),
every view of a resource or a command's result, and links into the Pivotal app."""
