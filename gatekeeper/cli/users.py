"""`gatekeeper users add|disable|list`: the accounts the gate review service signs people in with."""

from __future__ import annotations

import sys

import click

from gatekeeper.cli.common import guarded
from gatekeeper.serve.accounts import USERS_ENV, AccountStore, default_location, parse_link

users_option = click.option(
    "--users",
    "users_url",
    metavar="URL",
    envvar=USERS_ENV,
    show_envvar=True,
    default=None,
    help=f"Accounts database: a file path, sqlite:///path or postgresql://... [default: {default_location()}]",
)


@click.group()
def users() -> None:
    """Manage the accounts of the gate review service (`gatekeeper serve`).

    Each account is linked, per alliance, to the person (or governance body) it acts as: the id
    declared in that pack's manifest.yml. Passwords are stored as argon2 hashes.
    """


@users.command("add")
@click.argument("name")
@click.option(
    "--link",
    "links",
    multiple=True,
    metavar="ALLIANCE_ID:PERSON_ID",
    help="Act as this declared person (or body) in this alliance's pack; repeatable.",
)
@click.option("--office", is_flag=True, help="Programme office: may read every alliance (deciding still needs a link).")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input instead of prompting.",
)
@users_option
@guarded
def add(name: str, links: tuple[str, ...], office: bool, password_stdin: bool, users_url: str | None) -> None:
    """Add the account NAME (lower case), with a password asked for twice or read from standard input."""
    pairs = dict(parse_link(text) for text in links)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    store = AccountStore(users_url)
    account = store.add(name, password, links=pairs, office=office)
    linked = ", ".join(f"{a}:{p}" for a, p in account.links) or "no alliance"
    click.echo(
        f"added {account.name}{' (programme office)' if account.office else ''}, linked to {linked}, in {store.location}"
    )


@users.command("disable")
@click.argument("name")
@users_option
@guarded
def disable(name: str, users_url: str | None) -> None:
    """Disable the account NAME: it cannot sign in, and its open sessions end at their next request."""
    store = AccountStore(users_url)
    store.disable(name)
    click.echo(f"disabled {name} in {store.location}")


@users.command("list")
@users_option
@guarded
def list_accounts(users_url: str | None) -> None:
    """List every account: name, state, programme office or not, and its links."""
    for account in AccountStore(users_url).accounts():
        state = "disabled" if account.disabled else "enabled"
        office = "office" if account.office else "-"
        linked = " ".join(f"{a}:{p}" for a, p in account.links) or "-"
        click.echo(f"{account.name}\t{state}\t{office}\t{linked}")
