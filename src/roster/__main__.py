"""``python -m roster``: the same command line as ``roster``."""
from roster.cli.main import main

if __name__ == "__main__":
    main()
