"""``asylon estimate``: the total of a population from the overlap of several lists."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .lcmcr import LcmcrSettings
from .overlap import OverlapError, read_overlap
from .render import render_text
from .service import estimate

EXIT_INVALID = 2
_DEFAULTS = LcmcrSettings()


@click.command("estimate")
@click.option(
    "--overlap",
    "overlap",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV: one 0/1 column per list and a 'count' column.",
)
@click.option(
    "--method",
    type=click.Choice(["lcmcr", "loglinear", "both"]),
    default="lcmcr",
    show_default=True,
)
@click.option(
    "--format", "fmt", type=click.Choice(["json", "text"]), default="json", show_default=True
)
@click.option("--seed", type=int, default=_DEFAULTS.seed, show_default=True)
@click.option(
    "--samples",
    type=click.IntRange(min=10),
    default=_DEFAULTS.samples,
    show_default=True,
    help="LCMCR draws kept per chain.",
)
@click.option(
    "--burn-in",
    "burn_in",
    type=click.IntRange(min=0),
    default=_DEFAULTS.burn_in,
    show_default=True,
)
@click.option("--thin", type=click.IntRange(min=1), default=_DEFAULTS.thin, show_default=True)
@click.option(
    "--chains", type=click.IntRange(min=1, max=64), default=_DEFAULTS.chains, show_default=True
)
@click.option(
    "--extend",
    type=click.IntRange(min=0, max=5),
    default=_DEFAULTS.extend,
    show_default=True,
    help="LCMCR: times chains that disagree (R-hat > 1.1) go on, each twice as thinned.",
)
@click.option(
    "--K",
    "k",
    type=click.IntRange(min=1, max=100),
    default=_DEFAULTS.K,
    show_default=True,
    help="LCMCR: maximum number of latent classes.",
)
@click.option(
    "--criterion",
    type=click.Choice(["aic", "bic"]),
    default="aic",
    show_default=True,
    help="Log-linear model selection.",
)
@click.option(
    "--bound-check/--no-bound-check",
    "bound_check",
    default=_DEFAULTS.bound_check,
    show_default=True,
    help="LCMCR: check the interval against a two-class profile likelihood (widen it, or "
    "report no total when the data do not bound it from above).",
)
@click.option("--strata", default=None, help="Column whose values are strata to estimate apart.")
def estimate_cmd(
    overlap: Path,
    method: str,
    fmt: str,
    seed: int,
    samples: int,
    burn_in: int,
    thin: int,
    chains: int,
    extend: int,
    k: int,
    criterion: str,
    bound_check: bool,
    strata: str | None,
) -> None:
    """Estimate how many people the lists missed (multiple-systems estimation).

    LCMCR (Manrique-Vallier 2016) by default; --method loglinear for the classical
    log-linear baseline, or both. Tables that cannot identify the total are reported as
    such (identified: false, with the reasons), not given a number.
    """
    try:
        tables = read_overlap(overlap, strata)
    except OverlapError as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(EXIT_INVALID)
    settings = LcmcrSettings(
        K=k,
        burn_in=burn_in,
        samples=samples,
        thin=thin,
        chains=chains,
        seed=seed,
        extend=extend,
        bound_check=bound_check,
    )
    doc = estimate(tables, method, settings, criterion, source=str(overlap))
    if fmt == "text":
        click.echo(render_text(doc))
    else:
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
