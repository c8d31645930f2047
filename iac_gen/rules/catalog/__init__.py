"""One lint rule per module; every module here is imported and registered by `registry`."""
