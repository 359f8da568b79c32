"""``python -m octograph``: the same as the ``octograph`` command."""

from octograph.cli import main

if __name__ == "__main__":
    main()
