"""The command line: thin Typer commands, one module each. Library code never prints or exits."""
