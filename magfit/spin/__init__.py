"""Exchange-coupled spin clusters: description, exact diagonalisation, lmfit fits of chi*T and M(H).

Convention: every J is in kelvin in the cluster's stated ``convention`` -- ``"-J"`` (H = -sum J
S_i.S_j, the magfit default, J > 0 ferromagnetic), ``"-2J"`` (H = -2 sum J S_i.S_j) or ``"+J"``
(H = +sum J S_i.S_j). A "-2J" value is half the "-J" value of the same physics.

Modules: :mod:`.cluster` (description, YAML/TOML), :mod:`.ed` (coupled-basis diagonalisation by
total S), :mod:`.aniso` (full product-space diagonalisation for ZFS / axial g), :mod:`.calc`
(levels, chi(T), M(H,T), powder averages), :mod:`.fit` (lmfit models and joint fits),
:mod:`.plot` (figures).

Examples
--------
>>> import numpy as np
>>> from magfit.spin import Cluster, chi_cluster
>>> cu2 = Cluster.from_strings("1/2,1/2", ["1-2:J"], convention="-2J")
>>> chi = chi_cluster(cu2, {"J": -100.0, "g": 2.0}, [300.0])   # emu/mol of dimers
>>> round(float(chi[0] * 300), 3)
0.607
"""

from .calc import EMU_MOL_PER_MUB, MUB_K_PER_OE, chi_cluster, chi_tensor, levels, magnetization, powder_grid
from .cluster import CONVENTIONS, Bond, Cluster, parse_spin
from .fit import (
    CORRELATION_WARN,
    ClusterFit,
    ClusterOptions,
    cluster_model,
    fit_cluster,
    mh_frame,
    model_chi,
    model_magnetization,
)

__all__ = [
    "CONVENTIONS", "Bond", "Cluster", "parse_spin",
    "EMU_MOL_PER_MUB", "MUB_K_PER_OE", "chi_cluster", "chi_tensor", "levels", "magnetization", "powder_grid",
    "CORRELATION_WARN", "ClusterFit", "ClusterOptions", "cluster_model", "fit_cluster", "mh_frame",
    "model_chi", "model_magnetization",
]
