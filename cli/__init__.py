"""The ``switchboard`` command line: thin click commands over :mod:`engine`."""
