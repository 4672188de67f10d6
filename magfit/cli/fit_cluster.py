"""``magfit fit-cluster FILE``: exchange constants of a spin cluster from chi*T(T) (and M(H)).

Example::

    magfit fit-cluster cu2.csv --spins 1/2,1/2 --bond 1-2:J --convention -2J --impurity --theta --json

FILE holds chi(T) or chi*T(T) per mole of clusters. It is read with :func:`magfit.read`
(``--column``/``--unit`` as for every subcommand): a ``chiT_emu_K_mol`` column is used as is, a
``chi_emu_mol`` column is multiplied by T. A plain two-column CSV/whitespace table
``temperature_K, chiT_emu_K_mol`` that the loaders do not recognise is read directly (pandas), and
the JSON says so under ``"read"``. ``--mh`` files hold M(H) at one or several temperatures
(columns ``field_Oe``, ``temperature_K`` and ``moment_muB_fu`` = mu_B per cluster, or a plain
three-column table in that order).

JSON keys (one object): ``file``, ``convention``, ``params`` ({name: {"value", "err"}} for every
free parameter: J... in K in the stated convention, ``g``, ``theta_K`` or ``zJ_K``, ``rho``,
``chi0_emu_mol``), ``redchi``, ``n_points``, ``levels`` (lowest 20 levels: energy_K and total S),
``warnings``, ``read``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Any

from ._options import add_column_unit_options, column_unit_kwargs


def register(subparsers) -> None:
    """Add the ``fit-cluster`` subcommand.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The subparsers of the ``magfit`` parser.
    """
    p = subparsers.add_parser(
        "fit-cluster", help="fit exchange constants J of a spin cluster to chi*T(T) (and M(H)) by exact "
                            "diagonalisation",
        description="Fit J's (in the convention given by --convention), g and optional impurity, TIP "
                    "and mean-field terms to chi*T(T) per mole of clusters; start values come from a "
                    "grid over J.")
    p.add_argument("file", metavar="FILE", help="chi(T) or chi*T(T) table (per mole of clusters)")
    p.add_argument("--spins", required=True, help="site spins, e.g. 1/2,1/2 or 5/2,1/2,1/2")
    p.add_argument("--bond", action="append", default=[], metavar="I-J[:NAME]",
                   help="exchange bond between sites I and J (1-based) with parameter NAME (default J); "
                        "repeatable, bonds may share a name")
    p.add_argument("--convention", required=True, choices=["-2J", "-J", "+J"],
                   help="Hamiltonian of the J values: -2J (H = -2 sum J S.S), -J (H = -sum J S.S), "
                        "+J (H = +sum J S.S)")
    p.add_argument("--g-per-site", action="store_true", help="one g per site (g1, g2, ...)")
    p.add_argument("--zfs", action="append", default=[], metavar="SITE:NAME",
                   help="axial zero-field splitting D on a site with S >= 1, e.g. 1:D (repeatable)")
    mf = p.add_mutually_exclusive_group()
    mf.add_argument("--theta", action="store_true", help="mean field chi T/(T - theta) (theta_K)")
    mf.add_argument("--zj", action="store_true", help="mean field chi/(1 - 2zJ' chi/(N g^2 mu_B^2)) (zJ_K)")
    p.add_argument("--impurity", action="store_true", help="paramagnetic impurity fraction rho (of sites)")
    p.add_argument("--impurity-spin", default="1/2", metavar="S", help="spin of the impurity (default 1/2)")
    p.add_argument("--field-oe", type=float, metavar="H",
                   help="model chi as M/H at this measuring field (Oe) instead of the zero-field limit")
    p.add_argument("--tip", action="store_true", help="temperature-independent chi0_emu_mol")
    p.add_argument("--per-site", action="store_true",
                   help="FILE's chi is per mole of magnetic sites (e.g. `magfit simulate dimer` writes per "
                        "mole of Cu); it is multiplied by the number of sites to give per mole of clusters")
    p.add_argument("--mh", action="append", default=[], metavar="FILE", help="M(H) file(s) fitted jointly")
    p.add_argument("--mh-weight", type=float, default=1.0, help="weight of the M(H) residuals (default 1)")
    add_column_unit_options(p)
    # let "--convention -2J" / "-J" parse as values, not as unknown options (argparse treats a leading
    # "-" as an option unless it looks like a negative number; no option of this parser looks like that)
    p._negative_number_matcher = re.compile(r"^-(\d+J?|\d*\.\d+|J)$")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run)


def _plain_table(path: str, names: list[str], specs: list[Any]):
    """Numeric columns of a plain delimited table; ``specs`` are 1-based indices, names or None
    (None = the next column in order). Returns (arrays, number of rows with non-numeric cells)."""
    import pandas as pd

    from ..errors import FormatError

    try:
        df = pd.read_csv(path, sep=None, engine="python", comment="#")
    except (OSError, ValueError) as exc:
        raise FormatError(f"cannot read as a plain table ({exc})", path=path) from None
    cols = []
    for k, (name, spec) in enumerate(zip(names, specs, strict=True)):
        if spec is None:
            spec = k + 1
        if isinstance(spec, int):
            if not 1 <= spec <= df.shape[1]:
                raise FormatError(f"{name}: column {spec} does not exist ({df.shape[1]} columns)", path=path)
            cols.append(df.columns[spec - 1])
        elif spec in df.columns:
            cols.append(spec)
        else:
            raise FormatError(f"{name}: no column {spec!r}", path=path,
                              hint=f"columns are {list(df.columns)}")
    block = df[cols].apply(pd.to_numeric, errors="coerce")
    bad = int(block.isna().any(axis=1).sum())
    return [block[c].to_numpy(float) for c in cols], bad


def _read_chit(path: str, args: argparse.Namespace) -> tuple[tuple, dict[str, Any]]:
    """(temperature_K, chiT_emu_K_mol) and a note on how the file was read."""
    from ..errors import FormatError, MagfitError
    from ..io import read

    kwargs = column_unit_kwargs(args)
    given = kwargs.get("columns", {})
    try:
        m = read(path, **kwargs)
    except MagfitError:
        m = None
    if m is not None and m.column("temperature_K") is not None:
        t = m.column("temperature_K")
        if "chiT_emu_K_mol" in m.columns:
            return (t, m.column("chiT_emu_K_mol")), {"via": "magfit.read", "column": "chiT_emu_K_mol"}
        if m.column("chi_emu_mol") is not None:
            return (t, m.column("chi_emu_mol") * t), {"via": "magfit.read", "column": "chi_emu_mol (x T)"}
    # the loaders could not give chi or chi*T (e.g. a bare two-column file, or a column option they do
    # not know yet): read the table directly, taking chi if --column chi_emu_mol=... was given
    if kwargs.get("units"):
        raise FormatError("--unit is not applied to plain tables read directly; give the values in "
                          "emu/mol (chi) or emu K/mol (chi*T) and K", path=path)
    is_chi = "chi_emu_mol" in given and "chiT_emu_K_mol" not in given
    yname = "chi_emu_mol" if is_chi else "chiT_emu_K_mol"
    (t, y), bad = _plain_table(path, ["temperature_K", yname], [given.get("temperature_K"), given.get(yname)])
    if not len(t):
        raise FormatError("no rows", path=path)
    note = {"via": f"plain table (temperature_K, {yname})", "rows_with_non_numeric_cells_dropped": bad}
    return (t, y * t if is_chi else y), note


def _read_mh(path: str, args: argparse.Namespace):
    import numpy as np

    from ..errors import MagfitError
    from ..io import read
    from ..spin.calc import EMU_MOL_PER_MUB

    try:
        m = read(path)
    except MagfitError:
        m = None
    if m is not None and m.column("field_Oe") is not None and m.column("temperature_K") is not None:
        if "moment_muB_fu" in m.columns:
            return m.column("field_Oe"), m.column("temperature_K"), m.column("moment_muB_fu")
        if "magnetization_emu_mol" in m.columns:
            return m.column("field_Oe"), m.column("temperature_K"), \
                m.column("magnetization_emu_mol") / EMU_MOL_PER_MUB
    (h, t, mu), _ = _plain_table(path, ["field_Oe", "temperature_K", "M_muB"], [None, None, None])
    return np.asarray(h), np.asarray(t), np.asarray(mu)


def fit_cluster_file(args: argparse.Namespace):
    """Read FILE (and --mh files), build the cluster and fit it.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed ``fit-cluster`` arguments.

    Returns
    -------
    (ClusterFit, dict)
        The fit and how FILE was read.
    """
    import warnings

    from ..spin import Cluster, ClusterOptions, fit_cluster

    cluster = Cluster.from_strings(args.spins, args.bond, args.convention, g_per_site=args.g_per_site,
                                   zfs=args.zfs)
    from ..spin import parse_spin

    opt = ClusterOptions(mean_field="theta" if args.theta else "zj" if args.zj else None,
                         impurity=args.impurity, tip=args.tip, impurity_spin=parse_spin(args.impurity_spin),
                         field_Oe=args.field_oe)
    chit, note = _read_chit(args.file, args)
    if getattr(args, "per_site", False):    # per mole of sites -> per mole of clusters
        chit = (chit[0], chit[1] * cluster.n_sites)
        note["basis"] = f"file per mole of sites, multiplied by {cluster.n_sites} (per mole of clusters)"
    else:
        note["basis"] = "file per mole of clusters"
    mh = [_read_mh(p, args) for p in args.mh] or None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")           # the correlation warnings are in fit.warnings
        fit = fit_cluster(cluster, chit, mh, options=opt, weights=(1.0, args.mh_weight))
    return fit, note


def run(args: argparse.Namespace) -> int:
    """Run the fit and print the summary (or JSON).

    Parameters
    ----------
    args : argparse.Namespace
        Parsed arguments.

    Returns
    -------
    int
        0 on success (errors are raised as MagfitError and reported by the CLI).
    """
    from .._json import json_safe

    fit, note = fit_cluster_file(args)
    if args.json:
        d = {"file": args.file, **fit.to_dict(), "read": note}
        print(json.dumps(json_safe(d), allow_nan=False))
    else:
        print(f"# {args.file} ({note['via']})")
        print(fit.summary())
    sys.stdout.flush()
    return 0
