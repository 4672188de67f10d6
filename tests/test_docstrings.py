"""Documentation standards of the public API, and the docstring examples as tests.

Rules (numpydoc conventions, as in scikit-image / lmfit):

* every public module has a module docstring;
* every public function and class -- the names in ``magfit.__all__`` and the public names of the
  submodules in :data:`PUBLIC_MODULES` -- has a docstring;
* if it takes named parameters, the docstring has a ``Parameters`` section (classes that are
  result records may document their fields under ``Attributes`` instead), and every named
  parameter appears in the docstring, so the section cannot silently go stale when an argument
  is added;
* every ``>>>`` example in a magfit module runs and prints what it shows (``doctest``; examples
  that need files are marked ``# doctest: +SKIP``).

Exemptions are listed in :data:`EXEMPT` with the reason; a permanent exemption that is no longer
needed fails the test, so the list only shrinks.
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil
import re

import pytest

import magfit

PUBLIC_MODULES = (
    "magfit.simulate",
    "magfit.plot",
    "magfit.ions",
    "magfit.units",
    "magfit.batch",
    "magfit.report",
    "magfit.corrections",
    "magfit.sample",
    "magfit.spin",
    "magfit.spin.plot",
    "magfit.mh",
    "magfit.segments",
    "magfit.convert",
    "magfit.formula",
    "magfit.unit_parse",
    "magfit.table_chi",
)

#: reason for a temporary exemption: a name just added whose docstring is being completed
PENDING = "docstring incomplete in the owner's module; to be completed (docstring-only edit)"

#: name -> (rule exempted: "docstring" | "section" | "names", reason). Empty: every public name
#: complies. Keep it short.
EXEMPT: dict[str, tuple[str, str]] = {}

SECTION = re.compile(r"^(Parameters|Attributes)\s*\n-{3,}", re.MULTILINE)
PARAMETERS = re.compile(r"^Parameters\s*\n-{3,}", re.MULTILINE)


def _public_objects() -> dict[str, object]:
    """Qualified name -> public function or class."""
    out: dict[str, object] = {}
    for name in magfit.__all__:
        obj = getattr(magfit, name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            out[f"magfit.{name}"] = obj
    for modname in PUBLIC_MODULES:
        mod = importlib.import_module(modname)
        names = getattr(mod, "__all__", None)
        if names is None:
            names = [n for n in vars(mod) if not n.startswith("_")]
        for name in names:
            obj = getattr(mod, name)
            defined_here = getattr(obj, "__module__", "").startswith("magfit")
            if (inspect.isfunction(obj) or inspect.isclass(obj)) and defined_here:
                out[f"{modname}.{name}"] = obj
    return out


OBJECTS = _public_objects()


def _named_parameters(obj) -> list[str]:
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):  # some builtins / C extensions
        return []
    return [p.name for p in sig.parameters.values()
            if p.name not in ("self", "cls") and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


def _problems(name: str, obj) -> dict[str, str]:
    doc = inspect.getdoc(obj) or ""
    if not doc.strip():
        return {"docstring": "no docstring"}
    params = _named_parameters(obj)
    if not params:
        return {}
    section = SECTION if inspect.isclass(obj) else PARAMETERS
    if not section.search(doc):
        return {"section": "takes parameters " + ", ".join(params[:5]) + " but has no Parameters section"}
    missing = [p for p in params if not re.search(r"(?<![\w.])" + re.escape(p) + r"(?!\w)", doc)]
    if missing:
        return {"names": "parameters not documented: " + ", ".join(missing)}
    return {}


def test_the_api_surface_is_checked():
    # guards against the collector silently finding nothing (e.g. after a refactor of __all__)
    assert len(OBJECTS) > 80
    for expected in ("magfit.fit_curie_weiss", "magfit.classify", "magfit.simulate.afm_chi",
                     "magfit.plot.fit_panels", "magfit.report.build", "magfit.units.curie_from_mu_eff"):
        assert expected in OBJECTS


@pytest.mark.parametrize("modname", ("magfit", *PUBLIC_MODULES))
def test_public_module_docstring(modname):
    mod = importlib.import_module(modname)
    assert (mod.__doc__ or "").strip(), f"{modname} has no module docstring"


@pytest.mark.parametrize("name", sorted(OBJECTS))
def test_public_docstring(name):
    problems = _problems(name, OBJECTS[name])
    exempt = EXEMPT.get(name)
    if exempt is not None:
        rule, reason = exempt
        # a permanent exemption that is no longer needed must go (pending ones may be fixed any time)
        assert rule in problems or reason == PENDING, (f"{name} is exempt from {rule!r} ({reason}) but "
                                                       f"now complies: remove it from EXEMPT")
        problems.pop(rule, None)
    assert not problems, f"{name}: " + "; ".join(problems.values())


@pytest.mark.parametrize("name", sorted(n for n, o in OBJECTS.items() if inspect.isclass(o)))
def test_public_methods_have_docstrings(name):
    cls = OBJECTS[name]
    undocumented = [m for m, f in vars(cls).items()
                    if not m.startswith("_") and (inspect.isfunction(f) or isinstance(f, property))
                    and not (inspect.getdoc(f) or "").strip()]
    assert not undocumented, f"{name}: public methods without a docstring: {undocumented}"


def test_exemptions_name_real_objects():
    assert set(EXEMPT) <= set(OBJECTS)


# ----------------------------------------------------------------------------- doctests
def _modules_with_examples() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(magfit.__path__, "magfit."):
        if info.name.endswith("__main__"):
            continue  # running it is the CLI
        mod = importlib.import_module(info.name)
        try:
            source = inspect.getsource(mod)
        except (OSError, TypeError):
            continue
        if ">>>" in source:
            names.append(info.name)
    return names


DOCTEST_MODULES = _modules_with_examples()


def test_doctests_are_collected():
    for expected in ("magfit.chit", "magfit.fitting", "magfit.classify", "magfit.ions"):
        assert expected in DOCTEST_MODULES


@pytest.mark.parametrize("modname", DOCTEST_MODULES)
def test_doctest(modname, monkeypatch):
    from pathlib import Path

    monkeypatch.chdir(Path(__file__).resolve().parent.parent)     # examples use sample_data/... paths
    mod = importlib.import_module(modname)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    failures: list[str] = []
    attempted = 0
    for test in finder.find(mod, modname):
        result = runner.run(test, out=failures.append)
        attempted += result.attempted
    if attempted == 0:
        pytest.skip(f"{modname}: every example is marked +SKIP (needs files)")
    assert not failures, "".join(failures)
