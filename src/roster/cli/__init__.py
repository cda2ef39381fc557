"""The ``roster`` command line: parses, calls the library, formats, maps errors to exit codes."""
