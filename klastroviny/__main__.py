"""The console script and `python -m klastroviny`: the signal handlers come first, so that
an interrupt while the command line's modules are imported also stops cleanly."""

from klastroviny.interrupt import stop_cleanly_on_signals, stopped


def main() -> None:
    """Ctrl-C and SIGTERM stop a run cleanly (exit 130 and 143), at any moment."""
    stop_cleanly_on_signals()
    try:
        from klastroviny.cli import cli
    except KeyboardInterrupt as interrupt:
        stopped(interrupt)
    cli(prog_name="klastroviny")


if __name__ == "__main__":
    main()
