"""README.md stays true: its two set-up commands and its Python examples run.

The default suite runs the Python equivalents (the examples, and the main job through
``python -m magfit``); the ``slow`` test runs both set-up commands verbatim in a fresh virtual
environment, as a new user would.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README, flags=re.S)


def setup_commands() -> list[str]:
    section = README.split("## Set-up", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, flags=re.S).group(1)
    return [line.strip() for line in block.splitlines() if line.strip()]


def test_exactly_two_setup_commands_and_ci_runs_the_second():
    commands = setup_commands()
    assert len(commands) == 2, commands
    install, tests = commands
    assert install.startswith("pip install . && magfit ")
    assert tests.startswith('pip install ".[test]"') and "pytest" in tests
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in ci, ".ci/run must run the README's test command verbatim"


def test_python_examples_run(tmp_path):
    code = "import matplotlib\nmatplotlib.use('Agg')\n" + "\n".join(_blocks("python"))
    script = tmp_path / "readme_examples.py"
    script.write_text(code, encoding="utf-8")
    out = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "localized" in out.stdout and "Gd3+" in out.stdout


def test_main_job_equivalent_writes_the_report(tmp_path):
    main_job = setup_commands()[0].split("&&", 1)[1].strip()
    argv = shlex.split(main_job)
    assert argv[0] == "magfit"
    out_index = argv.index("-o") + 1
    argv[out_index] = str(tmp_path / "report")
    run = subprocess.run([sys.executable, "-m", "magfit", *argv[1:], "--quiet"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    for name in ("summary.csv", "report.html", "report.pdf"):
        assert (tmp_path / "report" / name).stat().st_size > 0


@pytest.mark.slow
def test_setup_commands_verbatim_in_fresh_venv(tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    env = dict(os.environ)
    env["PATH"] = f"{env_dir / 'bin'}{os.pathsep}{env['PATH']}"
    env.pop("PYTHONPATH", None)
    work = tmp_path / "checkout"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(work)], check=True)
    install = setup_commands()[0]
    run = subprocess.run(["bash", "-c", install], cwd=work, env=env, capture_output=True, text=True,
                         timeout=1800)
    assert run.returncode == 0, run.stderr[-3000:]
    assert (work / "report" / "report.html").is_file()
