"""Description of an exchange-coupled spin cluster: sites, bonds, g, zero-field splitting.

Hamiltonian (energies in kelvin, E / k_B), written in the cluster's ``convention``:

* ``"-J"``  : H = -sum_bonds J_b S_i.S_j   (magfit default; J > 0 ferromagnetic)
* ``"-2J"`` : H = -2 sum_bonds J_b S_i.S_j  (Heisenberg / Van Vleck "chemist" form)
* ``"+J"``  : H = +sum_bonds J_b S_i.S_j   (theorists' form; J > 0 antiferromagnetic)

plus single-ion zero-field splitting D_i [S_iz^2 - S_i(S_i+1)/3] + E_i (S_ix^2 - S_iy^2) (sites with
S >= 1) and the Zeeman term mu_B B.g_i.S_i. Internally every J is turned into J_bond of
H = -J_bond S_i.S_j (J_bond = J, 2J, -J), so "-2J" values are half the "-J" values.

Several bonds may share one parameter name (``J1`` on every bond of a ring). ``g`` is shared
(parameter ``g``) or per site (``g1``, ``g2``, ...); axial g (``g_par``, ``g_perp``) is
supported by the anisotropic solver.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..errors import FormatError, SimulationError

__all__ = ["CONVENTIONS", "Bond", "Cluster", "parse_spin"]

#: multiplier turning J of each convention into J_bond of H = -J_bond S_i.S_j
CONVENTIONS: dict[str, float] = {"-J": 1.0, "-2J": 2.0, "+J": -1.0}


def parse_spin(value: Any) -> float:
    """A spin from 0.5, "1/2", "5/2" or 2; must be a positive multiple of 1/2.

    Parameters
    ----------
    value : float, int or str
        The spin.

    Returns
    -------
    float
        S (0.5, 1.0, 1.5, ...).
    """
    try:
        s = Fraction(str(value).strip()) if isinstance(value, str) else Fraction(value).limit_denominator(2)
    except (ValueError, ZeroDivisionError, TypeError):
        raise SimulationError(f"spin {value!r} is not a number; write e.g. 1/2, 5/2 or 2") from None
    if s <= 0 or (2 * s).denominator != 1:
        raise SimulationError(f"spin {value!r} must be a positive multiple of 1/2 (1/2, 1, 3/2, ...)")
    return float(s)


@dataclass(frozen=True)
class Bond:
    """An exchange bond between two sites (0-based) whose J is the parameter ``name``.

    Parameters
    ----------
    i, j : int
        Site indices (0-based, i != j).
    name : str
        Parameter name of the coupling (several bonds may share it).
    """

    i: int
    j: int
    name: str = "J"


@dataclass(frozen=True)
class Cluster:
    """A spin cluster: spins, bonds, convention, g model and single-ion anisotropy.

    Parameters
    ----------
    spins : tuple of float
        Spin of each site (1/2, 1, 3/2, ...).
    bonds : tuple of Bond
        Exchange bonds; the J values are parameters named by ``Bond.name``.
    convention : {"-J", "-2J", "+J"}
        Hamiltonian the J values refer to (module docstring).
    g_per_site : bool
        One g per site (``g1``, ``g2``, ...) instead of a shared ``g``.
    zfs : dict
        site index (0-based) -> name stem of its ZFS parameters (``D1`` -> ``D1``, ``E1``).
    axial_g : bool
        Shared axial g tensor (``g_par`` along z, ``g_perp``) instead of isotropic g.
    rhombic : bool
        Also fit/use E for the ZFS sites (otherwise E = 0).
    """

    spins: tuple[float, ...]
    bonds: tuple[Bond, ...]
    convention: str = "-J"
    g_per_site: bool = False
    zfs: dict[int, str] = field(default_factory=dict)
    axial_g: bool = False
    rhombic: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "spins", tuple(parse_spin(s) for s in self.spins))
        object.__setattr__(self, "bonds", tuple(self.bonds))
        n = len(self.spins)
        if n == 0:
            raise SimulationError("a cluster needs at least one site (spins=[...])")
        if self.convention not in CONVENTIONS:
            raise SimulationError(f"convention must be one of {sorted(CONVENTIONS)}, got {self.convention!r}")
        for b in self.bonds:
            if not (0 <= b.i < n and 0 <= b.j < n) or b.i == b.j:
                raise SimulationError(f"bond {b.i + 1}-{b.j + 1} ({b.name}): sites must be two different "
                                      f"sites among 1..{n}")
            if not re.fullmatch(r"[A-Za-z_]\w*", b.name):
                raise SimulationError(f"bond parameter name {b.name!r} must be an identifier like J or J2")
        for k in self.zfs:
            if not 0 <= k < n or self.spins[k] < 1:
                raise SimulationError(f"zero-field splitting on site {k + 1}: needs a site with S >= 1 "
                                      f"(spins {list(self.spins)})")
        if self.axial_g and self.g_per_site:
            raise SimulationError("axial_g and g_per_site cannot be combined (give one g model)")

    # ------------------------------------------------------------------ names
    @property
    def n_sites(self) -> int:
        """Number of sites."""
        return len(self.spins)

    @property
    def exchange_names(self) -> list[str]:
        """Distinct J parameter names in order of first appearance."""
        return list(dict.fromkeys(b.name for b in self.bonds))

    @property
    def g_names(self) -> list[str]:
        """Names of the g parameters."""
        if self.axial_g:
            return ["g_par", "g_perp"]
        if self.g_per_site:
            return [f"g{k + 1}" for k in range(self.n_sites)]
        return ["g"]

    @property
    def zfs_names(self) -> list[str]:
        """Names of the D (and E) parameters."""
        out = []
        for stem in self.zfs.values():
            out.append(stem)
            if self.rhombic:
                out.append("E" + stem[1:] if stem.startswith("D") else stem + "_E")
        return list(dict.fromkeys(out))           # sites may share one D

    @property
    def isotropic(self) -> bool:
        """True when the Hamiltonian conserves total S (no ZFS, no axial g)."""
        return not self.zfs and not self.axial_g

    @property
    def factor(self) -> float:
        """J_bond / J for the convention (1, 2 or -1)."""
        return CONVENTIONS[self.convention]

    def bond_values(self, values: dict[str, float]) -> list[float]:
        """J_bond (H = -J_bond S_i.S_j) of every bond from the convention's J values.

        Parameters
        ----------
        values : dict
            Parameter name -> value (J in K in the cluster's convention).

        Returns
        -------
        list of float
            One J_bond in K per bond.
        """
        missing = [n for n in self.exchange_names if n not in values]
        if missing:
            raise SimulationError(f"missing exchange parameter(s) {missing}; the bonds use "
                                  f"{self.exchange_names}")
        return [self.factor * float(values[b.name]) for b in self.bonds]

    def site_g(self, values: dict[str, float]) -> list[float]:
        """Isotropic g of every site from the parameter values (``g`` or ``g1``...).

        Parameters
        ----------
        values : dict
            Parameter name -> value.

        Returns
        -------
        list of float
        """
        if self.axial_g:
            gp, gs = values["g_par"], values["g_perp"]
            return [(gp + 2 * gs) / 3.0] * self.n_sites
        if self.g_per_site:
            return [float(values[f"g{k + 1}"]) for k in range(self.n_sites)]
        return [float(values.get("g", 2.0))] * self.n_sites

    def describe(self) -> str:
        """One line: spins, bonds and the Hamiltonian convention."""
        spins = ",".join(str(Fraction(s).limit_denominator(2)) for s in self.spins)
        bonds = " ".join(f"{b.i + 1}-{b.j + 1}:{b.name}" for b in self.bonds)
        pref = {"-J": "-", "-2J": "-2", "+J": "+"}[self.convention]
        return f"spins {spins}; bonds {bonds or '(none)'}; H = {pref} sum J_b S_i.S_j (J in K)"

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_strings(cls, spins: str, bonds: list[str], convention: str = "-J", *, g_per_site: bool = False,
                     zfs: list[str] | None = None) -> Cluster:
        """Build from CLI-style text: ``"1/2,1/2"``, ``["1-2:J"]``, ``["1:D"]`` (1-based sites).

        Parameters
        ----------
        spins : str
            Comma-separated spins.
        bonds : list of str
            ``I-J:NAME`` (NAME defaults to J).
        convention : {"-J", "-2J", "+J"}
            Convention of the J values.
        g_per_site : bool
            One g per site.
        zfs : list of str, optional
            ``SITE:NAME`` for a D (and E) on a site with S >= 1.

        Returns
        -------
        Cluster
        """
        spin_list = [s for s in str(spins).split(",") if s.strip()]
        bond_list = [_parse_bond(text) for text in bonds or []]
        zfs_map: dict[int, str] = {}
        for text in zfs or []:
            site, _, name = text.partition(":")
            try:
                zfs_map[int(site) - 1] = name.strip() or f"D{int(site)}"
            except ValueError:
                raise SimulationError(f"--zfs {text!r}: write SITE:NAME, e.g. 1:D") from None
        return cls(tuple(spin_list), tuple(bond_list), convention, g_per_site=g_per_site, zfs=zfs_map)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str = "<dict>") -> Cluster:
        """Build from a mapping as read from YAML/TOML.

        Keys: ``spins`` (list), ``bonds`` (list of "1-2:J" strings or {sites: [1, 2], J: name}),
        ``convention``, ``g_per_site``, ``zfs`` (list of "1:D"), ``axial_g``, ``rhombic``.

        Parameters
        ----------
        data : dict
            The description.
        source : str
            Where it came from, for error messages.

        Returns
        -------
        Cluster
        """
        if not isinstance(data, dict) or "spins" not in data:
            raise FormatError("a cluster description needs a 'spins' list", path=source,
                              hint="e.g. spins: [1/2, 1/2] and bonds: ['1-2:J']")
        spins = data["spins"]
        spins = spins.split(",") if isinstance(spins, str) else list(spins)
        bonds = []
        for item in data.get("bonds", []) or []:
            if isinstance(item, dict):
                i, j = item.get("sites", (None, None))
                bonds.append(f"{i}-{j}:{item.get('J', 'J')}")
            else:
                bonds.append(str(item))
        zfs = [str(z) for z in data.get("zfs", []) or []]
        cl = cls.from_strings(",".join(str(s) for s in spins), bonds, str(data.get("convention", "-J")),
                              g_per_site=bool(data.get("g_per_site", False)), zfs=zfs)
        if data.get("axial_g") or data.get("rhombic"):
            cl = cls(cl.spins, cl.bonds, cl.convention, g_per_site=cl.g_per_site, zfs=cl.zfs,
                     axial_g=bool(data.get("axial_g", False)), rhombic=bool(data.get("rhombic", False)))
        return cl

    @classmethod
    def from_file(cls, path: str | Path) -> Cluster:
        """Read a cluster description from a ``.yaml``/``.yml`` or ``.toml`` file.

        Parameters
        ----------
        path : str or Path
            The file.

        Returns
        -------
        Cluster

        Examples
        --------
        A YAML file::

            spins: [1/2, 1/2, 1/2]
            bonds: ["1-2:J", "2-3:J", "1-3:J"]
            convention: -2J
        """
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except OSError as exc:
            raise FormatError(f"cannot read cluster file ({exc.strerror})", path=str(p)) from None
        try:
            if p.suffix.lower() == ".toml":
                try:
                    import tomllib
                except ImportError:                        # pragma: no cover - Python 3.10
                    raise FormatError("reading TOML needs Python >= 3.11 (tomllib); use YAML",
                                      path=str(p)) from None
                data = tomllib.loads(text)
            else:
                import yaml

                data = yaml.safe_load(text)
        except Exception as exc:  # noqa: BLE001 - yaml/toml raise their own error types
            raise FormatError(f"not valid {'TOML' if p.suffix.lower() == '.toml' else 'YAML'}: {exc}",
                              path=str(p)) from None
        return cls.from_dict(data, source=str(p))


def _parse_bond(text: str) -> Bond:
    m = re.fullmatch(r"\s*(\d+)\s*-\s*(\d+)\s*(?::\s*([A-Za-z_]\w*))?\s*", str(text))
    if not m:
        raise SimulationError(f"bond {text!r}: write I-J:NAME with 1-based sites, e.g. 1-2:J or 2-3:J2")
    return Bond(int(m.group(1)) - 1, int(m.group(2)) - 1, m.group(3) or "J")
