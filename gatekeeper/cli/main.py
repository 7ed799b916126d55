"""The `gatekeeper` command group; each subcommand lives in its own module and is imported only when used."""

from __future__ import annotations

import errno
import importlib
from typing import Any

import click

from gatekeeper import __version__
from gatekeeper.cli.common import debug_wanted, internal_error, interrupted
from gatekeeper.cli.presentation import presentation_options

# Name -> "module:attribute". Subcommands are imported on demand so `gatekeeper --help` and each
# command pay only for what they use.
COMMANDS: dict[str, str] = {
    "audit": "gatekeeper.cli.audit:audit",
    "bundle": "gatekeeper.cli.bundle:bundle",
    "check": "gatekeeper.cli.check:check",
    "commercial": "gatekeeper.cli.commercial:commercial",
    "explain": "gatekeeper.cli.check:explain",
    "init": "gatekeeper.cli.evidence:init",
    "ledger": "gatekeeper.cli.ledger:ledger",
    "portfolio": "gatekeeper.cli.portfolio:portfolio",
    "record": "gatekeeper.cli.record:record",
    "register": "gatekeeper.cli.register:register",
    "rules": "gatekeeper.cli.rules:rules",
    "serve": "gatekeeper.cli.serve:serve",
    "users": "gatekeeper.cli.users:users",
    "validate": "gatekeeper.cli.evidence:validate",
    "workbook": "gatekeeper.cli.workbook:workbook",
}

HELP: dict[str, str] = {
    "audit": "Audit an evidence pack: completeness, integrity, freshness, approvals.",
    "bundle": "Write an auditor's BagIt bag: the pack, its decision, its audit and its ledger rows.",
    "check": "Decide a gate for an evidence pack.",
    "commercial": "Simulate an alliance's commercial model (pain/gain).",
    "explain": "Explain the reasoning for one outcome, requirement by requirement.",
    "init": "Scaffold a new evidence pack for a gate.",
    "ledger": "List, show and verify recorded gate decisions.",
    "portfolio": "Review the gates of many alliances at once.",
    "record": "Evaluate a gate and record the human decision in the ledger.",
    "register": "Register documents in an evidence pack (sha256 computed), or refresh their sha256.",
    "rules": "Browse and check the rule pack (the Code of Practice as rules).",
    "serve": "Serve the gate review: sign in, read the brief, record decisions.",
    "users": "Manage the accounts of the gate review service.",
    "validate": "Validate an evidence pack.",
    "workbook": "Export an assessment workbook for a gate, and import the judgements recorded in it.",
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported from COMMANDS the first time they are needed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        return getattr(importlib.import_module(module_name), attribute)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the subcommand; an exception nothing else mapped is an internal error, never "the gate fails".

        `guarded` maps the domain errors (bad input, bad usage) inside each command; what reaches
        here is a bug, reported in one line with exit 70, or Ctrl-C, exit 130.
        """
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            interrupted()
        except OSError as error:
            if error.errno == errno.EPIPE:  # the reader went away (`| head`): click handles it quietly
                raise
            internal_error(error, debug=debug_wanted(bool(ctx.params.get("debug"))))
        except Exception as error:  # noqa: BLE001 - the one place every unexpected exception is reported
            internal_error(error, debug=debug_wanted(bool(ctx.params.get("debug"))))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Listing help must not import every subcommand: use the short help table instead.
        with formatter.section("Commands"):
            formatter.write_dl([(name, HELP[name]) for name in sorted(COMMANDS)])


def version_text() -> str:
    """The tool's version and the bundled rule pack's name, version and digest: what a decision depends on.

    A bug report or a recorded decision needs both. The rule pack comes from the cache, and only
    its loader is imported (not the evidence loader, the engine or the reporters).
    """
    from gatekeeper.loading.rules import load_rule_pack

    pack = load_rule_pack()
    return f"gatekeeper {__version__}\nrule pack {pack.name} {pack.version} (sha256 {pack.digest})"


def _print_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from gatekeeper.cli.common import guarded

    guarded(lambda: click.echo(version_text()))()
    ctx.exit(0)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "-V",
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Print the version of gatekeeper and of its rule pack (name, version, sha256), and exit.",
)
@click.option("--debug", is_flag=True, help="On an internal error, print the traceback (also GATEKEEPER_DEBUG=1).")
@presentation_options
def main(debug: bool) -> None:
    """Readiness gates for infrastructure alliances, from the ICE Alliancing Code of Practice.

    \b
    Exit codes:
      0    the gate passes (or the check is clean)
      1    it fails (or problems were found)
      2    usage error
      3    the input could not be evaluated (evidence or rules invalid or unreadable)
      70   internal error: a bug in gatekeeper (run with --debug for the traceback)
      130  interrupted (Ctrl-C)

    \b
    Defaults for --profile, --ledger, --format and --jobs come from the first
    gatekeeper.toml (or pyproject.toml with [tool.gatekeeper]) found from the
    pack's folder upwards. Shell completion: eval "$(_GATEKEEPER_COMPLETE=bash_source gatekeeper)".
    """
