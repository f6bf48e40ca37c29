"""Help pages generated when the package is built, printed without Typer or Rich.

`scripts/gen_help.py` records, for every command, the calls Click's help formatter
receives (`help.json`); `formatter` replays them at the terminal's width and `pages`
answers `--help` from them in `__main__`, before the command tree is imported.
"""
