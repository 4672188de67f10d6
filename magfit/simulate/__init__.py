"""Reference curves and simulations that return the same :class:`magfit.ChiT` as measurements.

Modules: :mod:`.curves` (Curie, Curie-Weiss, Pauli, Brillouin, Langevin, Van Vleck),
:mod:`.meanfield` (Weiss ferromagnet, two-sublattice Neel antiferromagnet), :mod:`.exchange`
(theta from neighbour shells, RKKY lattice sums, Goodenough-Kanamori), :mod:`.lowdim`
(Bleaney-Bowers dimer, S=1/2 Heisenberg chain), :mod:`.montecarlo` (classical Heisenberg,
numba), :mod:`.compare` (residuals and lmfit fits of a model to a measurement).

Convention everywhere unless a function says otherwise: H = -sum_<ij> J_ij S_i.S_j, J > 0
ferromagnetic, exchange constants in kelvin (J / k_B).
"""

from .compare import SimulationFit, compare, fit_simulation
from .curves import (
    brillouin,
    brillouin_chi,
    brillouin_derivative,
    brillouin_magnetization,
    curie,
    curie_constant,
    curie_weiss,
    fermi_energy_eV,
    langevin,
    langevin_derivative,
    langevin_magnetization,
    pauli,
    pauli_chi_emu_mol,
    van_vleck,
)
from .exchange import (
    goodenough_kanamori,
    kf_a_free_electron,
    lattice_shells,
    rkky_exchange,
    rkky_range_function,
    rkky_theta,
    theta_from_shells,
)
from .lowdim import (
    CHAIN_CHIMAX_EXACT,
    CHAIN_TMAX_EXACT,
    bleaney_bowers,
    bond_exchange_K,
    chain_reduced_chi,
    heisenberg_chain,
)
from .meanfield import (
    afm_chi,
    neel_antiferromagnet,
    neel_parameters,
    reduced_magnetization,
    weiss_chi,
    weiss_ferromagnet,
)

__all__ = [
    "brillouin",
    "brillouin_chi",
    "brillouin_derivative",
    "brillouin_magnetization",
    "curie",
    "curie_constant",
    "curie_weiss",
    "fermi_energy_eV",
    "langevin",
    "langevin_derivative",
    "langevin_magnetization",
    "pauli",
    "pauli_chi_emu_mol",
    "van_vleck",
    "goodenough_kanamori",
    "kf_a_free_electron",
    "lattice_shells",
    "rkky_exchange",
    "rkky_range_function",
    "rkky_theta",
    "theta_from_shells",
    "afm_chi",
    "neel_antiferromagnet",
    "neel_parameters",
    "reduced_magnetization",
    "weiss_chi",
    "weiss_ferromagnet",
    "CHAIN_CHIMAX_EXACT",
    "CHAIN_TMAX_EXACT",
    "bleaney_bowers",
    "bond_exchange_K",
    "heisenberg_chain",
    "chain_reduced_chi",
    "SimulationFit",
    "compare",
    "fit_simulation",
    "BinderCrossing",
    "MCResult",
    "simulate_heisenberg",
    "tc_from_binder",
]

# Monte Carlo names load lazily so that ``import magfit`` does not import numba.
_MONTECARLO = {"BinderCrossing", "MCResult", "simulate_heisenberg", "tc_from_binder"}


def __getattr__(name: str):
    if name in _MONTECARLO:
        from . import montecarlo

        return getattr(montecarlo, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
