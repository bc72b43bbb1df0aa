import click

from homeport import __version__


@click.group()
@click.version_option(__version__, prog_name="homeport")
def cli() -> None:
    """Homeport: a self-hosted AI platform."""


def main() -> None:
    cli()
