"""``magfit simulate``: write a reference chi(T) curve as CSV (columns of ChiT.to_frame()).

Examples::

    magfit simulate curie-weiss --param mu_eff=7.94 --param theta_K=-2 -o gd.csv
    magfit simulate dimer --param J_K=-150 --param g=2.1 --param convention=-2J --tmin 2 --tmax 300
    magfit simulate afm --param spin=2.5 --param T_N_K=67 --param theta_K=-82 --param orientation=parallel
    magfit simulate --list

The CSV (temperature_K, chi_emu_mol[, field_Oe]) is read back by ``magfit.read``.
"""

from __future__ import annotations

import argparse
import inspect
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import SimulationError


def _mc_chit(temperature_K, *, J_K: float, mu_eff: float, lattice: str = "sc", L: int = 6,
             n_therm: int = 500, n_measure: int = 2000, n_overrelax: int = 2, seed: int = 0,
             connected: bool = False):
    """Classical Heisenberg Monte Carlo at T/|J_K| (J_K signed: > 0 FM), converted to emu/mol."""
    import numpy as np

    from ..simulate.montecarlo import simulate_heisenberg

    if J_K == 0:
        raise SimulationError("J_K must be non-zero (kelvin; > 0 ferromagnetic)")
    res = simulate_heisenberg(np.asarray(temperature_K) / abs(J_K), lattice=lattice, L=int(L),
                              J=1.0 if J_K > 0 else -1.0, n_therm=int(n_therm), n_measure=int(n_measure),
                              n_overrelax=int(n_overrelax), seed=int(seed))
    return res.to_chit(J_K=J_K, mu_eff=mu_eff, connected=bool(connected))


def _models() -> dict[str, tuple[Callable[..., Any], str]]:
    from ..simulate import curves, lowdim, meanfield

    return {
        "curie": (curves.curie, "Curie law C/T + chi0 (C or mu_eff)"),
        "curie-weiss": (curves.curie_weiss, "C/(T - theta) + chi0 (C or mu_eff, theta_K)"),
        "pauli": (curves.pauli,
                  "Pauli chi (fermi_energy_eV | dos_states_eV | r_s_bohr | electron_density_m3)"),
        "brillouin": (curves.brillouin_chi, "M/H of free ions J, g in field_Oe"),
        "weiss-fm": (meanfield.weiss_chi, "mean-field ferromagnet (spin, g, theta_K or z and J_K)"),
        "afm": (meanfield.afm_chi, "two-sublattice Neel AFM (spin, g, T_N_K, theta_K, orientation)"),
        "dimer": (lowdim.bleaney_bowers, "Bleaney-Bowers S=1/2 dimer (J_K, g, convention, rho, chi0)"),
        "chain": (lowdim.heisenberg_chain, "S=1/2 Heisenberg AFM chain (J_K, g, convention, rho, chi0)"),
        "mc": (_mc_chit, "classical Heisenberg Monte Carlo (J_K, mu_eff, lattice, L, n_measure, seed)"),
    }


def _parse_value(text: str) -> Any:
    low = text.strip().lower()
    if low in ("true", "yes"):
        return True
    if low in ("false", "no"):
        return False
    for conv in (int, float):
        try:
            return conv(text)
        except ValueError:
            pass
    return text


def _parse_params(items: list[str], func: Callable[..., Any], model: str) -> dict[str, Any]:
    accepted = [n for n in inspect.signature(func).parameters if n != "temperature_K"]
    out: dict[str, Any] = {}
    for item in items:
        if "=" not in item:
            raise SimulationError(f"--param {item!r}: write name=value, e.g. --param J_K=-10")
        name, value = (s.strip() for s in item.split("=", 1))
        if name not in accepted:
            raise SimulationError(
                f"model {model!r} has no parameter {name!r}; it takes {', '.join(accepted)}"
            )
        out[name] = _parse_value(value)
    return out


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "simulate",
        help="write a reference chi(T) (Curie, Curie-Weiss, Pauli, Brillouin, mean field, dimer, chain, MC)",
        description="Simulate a reference susceptibility curve and write it as CSV with the columns of "
        "ChiT.to_frame() (temperature_K, chi_emu_mol, ...), which magfit.read loads back. "
        "Exchange convention H = -sum J S_i.S_j (J > 0 FM) unless a 'convention' parameter says otherwise.",
    )
    p.add_argument("model", nargs="?", metavar="MODEL",
                   help="curie, curie-weiss, pauli, brillouin, weiss-fm, afm, dimer, chain, mc")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="model parameter (repeatable), e.g. --param J_K=-10 --param g=2.1")
    p.add_argument("--tmin", type=float, default=2.0, help="lowest temperature, K (default 2)")
    p.add_argument("--tmax", type=float, default=300.0, help="highest temperature, K (default 300)")
    p.add_argument("--n", type=int, default=150, help="number of temperatures (default 150)")
    p.add_argument("--log", action="store_true", help="logarithmic temperature grid")
    p.add_argument("--si", action="store_true", help="write chi_m3_mol (SI) instead of chi_emu_mol")
    p.add_argument("-o", "--output", metavar="FILE.csv", help="output file (default: standard output)")
    p.add_argument("--list", action="store_true", help="list the models and their parameters")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    models = _models()
    if args.list:
        for name, (func, text) in models.items():
            params = [n for n in inspect.signature(func).parameters if n != "temperature_K"]
            print(f"{name:12s} {text}\n{'':12s} parameters: {', '.join(params)}")
        return 0
    if args.model is None:
        raise SimulationError("give a MODEL (see 'magfit simulate --list')")
    if args.model not in models:
        raise SimulationError(f"unknown model {args.model!r}; choose one of {', '.join(models)}")
    if not (0 < args.tmin < args.tmax) or args.n < 2:
        raise SimulationError(
            f"need 0 < --tmin < --tmax and --n >= 2 (got tmin={args.tmin}, tmax={args.tmax}, n={args.n})"
        )
    func, _ = models[args.model]
    params = _parse_params(args.param, func, args.model)
    required = [n for n, q in inspect.signature(func).parameters.items()
                if n != "temperature_K" and q.kind is q.KEYWORD_ONLY and q.default is q.empty]
    missing = [n for n in required if n not in params]
    if missing:
        raise SimulationError(f"model {args.model!r} needs "
                              + " ".join(f"--param {n}=VALUE" for n in missing))
    if args.output and not Path(args.output).parent.is_dir():
        raise SimulationError(f"-o {args.output}: folder {str(Path(args.output).parent)!r} does not exist; "
                              "create it first or choose another output path")
    import numpy as np

    grid = np.geomspace if args.log else np.linspace
    temperature_K = grid(args.tmin, args.tmax, args.n)
    try:
        chi = func(temperature_K, **params)
    except TypeError as exc:  # missing required keyword etc.
        raise SimulationError(f"model {args.model!r}: {exc}") from None
    frame = chi.to_frame(si=args.si)
    if args.output:
        frame.to_csv(args.output, index=False)
        print(f"wrote {len(frame)} points of {chi.name} to {args.output}", file=sys.stderr)
    else:
        frame.to_csv(sys.stdout, index=False)
    print(_conventions(chi), file=sys.stderr)
    return 0


def _conventions(chi: Any) -> str:
    """What the written numbers mean: per mole of what, exchange convention, formula."""
    prov = getattr(chi, "provenance", {}) or {}
    parts = [f"chi per mole of {getattr(chi, 'per', None) or 'magnetic ion'}"]
    parts += [f"{k}: {prov[k]}" for k in ("convention", "formula") if prov.get(k)]
    return "  " + "; ".join(parts)
