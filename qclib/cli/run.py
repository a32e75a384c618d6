"""``qc run``: a thin command-line adapter over :func:`qclib.batch.runner.run_reports`.

It only parses arguments, calls ``run_reports`` with them, prints the summary
table and turns the outcome into an exit status: 0 all good, 1 a report
failed, 2 bad parameters (nothing ran).
"""

from __future__ import annotations

import argparse
import sys

from qclib.batch import runner
from qclib.exceptions import QclibError


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--jobs must be a positive integer (got {text!r})") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"--jobs must be a positive integer (got {value})")
    return value


def cmd_run(args: argparse.Namespace) -> int:
    """Run the batch described by the parsed arguments; return the exit status.

    Parameters
    ----------
    args : argparse.Namespace
        From the ``run`` sub-parser.

    Returns
    -------
    int
        0 when every report is up to date or succeeded, 1 when one failed,
        2 when the parameters are invalid (nothing ran).
    """
    try:
        summary = runner.run_reports(
            cities=args.city,
            years=args.year,
            jobs=args.jobs,
            scheduler=args.scheduler,
            force=args.force,
            dry_run=args.dry_run,
            out_dir=args.out,
            params_dir=args.params_dir,
            data_paths=args.data or (),
            run_config=args.config,
            comparison=not args.no_comparison,
            timeout=args.timeout,
            scorecards=not args.no_scorecards,
            formats=args.formats,
        )
    except QclibError as exc:  # bad parameters or run definition: nothing ran
        print(f"qc run: error: {exc}", file=sys.stderr)
        return 2
    print(summary.table())
    if summary.index is not None:
        print(f"index: {summary.index}")
    if summary.exit_code:
        failed = [r.key for r in summary.results if r.status == "failed"]
        print(f"qc run: {len(failed)} report(s) failed: {', '.join(failed)}", file=sys.stderr)
    return summary.exit_code


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``run`` command to ``qc``.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The ``qc`` sub-parsers.

    Examples
    --------
    >>> import argparse
    >>> p = argparse.ArgumentParser(); register(p.add_subparsers())
    >>> a = p.parse_args(["run", "--city", "zhengzhou", "--year", "2013:2016", "--jobs", "2"])
    >>> a.city, a.year, a.jobs, a.force, a.func is cmd_run
    ('zhengzhou', '2013:2016', 2, False, True)
    """
    p = subparsers.add_parser(
        "run",
        help="build the reports (city × year and comparisons), the index and the manifest",
        description="Execute the report notebooks with papermill for the selected cities and years. "
        "Reports whose notebook, parameters, code and input data are unchanged are skipped. "
        "Defaults come from params/run.yml.",
    )
    p.add_argument(
        "--city",
        default=None,
        metavar="CITIES",
        help="'all' (default) or comma-separated city ids, e.g. zhengzhou,xinxiang",
    )
    p.add_argument(
        "--year",
        default=None,
        metavar="YEARS",
        help="'all' (default: each city's years), 2015, 2014,2015 or a range 2013:2016",
    )
    p.add_argument(
        "--jobs",
        "-j",
        type=_jobs,
        default=1,
        metavar="N",
        help="worker processes of the embedded Dask cluster on 127.0.0.1, one report each at a time (default 1)",
    )
    p.add_argument(
        "--scheduler",
        default=None,
        metavar="tcp://HOST:PORT",
        help="run on an existing Dask cluster (started with 'dask scheduler' and 'dask worker') instead; "
        "tls://HOST:PORT with dask's TLS settings (see the README: a scheduler executes whatever is sent to it)",
    )
    p.add_argument("--force", action="store_true", help="rerun reports that are up to date")
    p.add_argument(
        "--dry-run", action="store_true", help="validate and show what would run and why; run and write nothing"
    )
    p.add_argument("--out", default=None, metavar="DIR", help="reports folder (default reports/)")
    p.add_argument("--params-dir", default=None, metavar="DIR", help="target catalog folder (default params/)")
    p.add_argument(
        "--data",
        action="append",
        default=None,
        metavar="FILE",
        help="extra observation file (CSV/Excel) for every report; repeatable",
    )
    p.add_argument("--config", default=None, metavar="FILE", help="run definition (default params/run.yml)")
    p.add_argument("--no-comparison", action="store_true", help="skip the comparison reports")
    p.add_argument(
        "--no-scorecards", action="store_true", help="do not write data/processed/scorecard_<year>.csv/.parquet"
    )
    p.add_argument(
        "--formats",
        default=None,
        metavar="FORMATS",
        help="report formats besides the notebook: html,docx (default both), html or docx; "
        "the Word report is reports/<city>/<year>/<city>_<year>_质量分析报告.docx",
    )
    p.add_argument(
        "--timeout", type=float, default=None, metavar="SECONDS", help="per-cell execution timeout (default none)"
    )
    p.set_defaults(func=cmd_run)
