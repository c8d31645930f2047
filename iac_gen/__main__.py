"""`python -m iac_gen` runs the same CLI as the `iac-gen` console script."""

from iac_gen.cli.app import run

if __name__ == "__main__":
    run()
