"""Where the model file is, wherever `sideman` runs from: one search order for every command.

`run`, `demo`, `infill`, `regenerate`, `eval`, `bench-model`, `compose-eval` and `doctor` all call
`resolve_model`. The order, first match wins:

1. `--model PATH` on the command line (a relative path is relative to the current folder);
2. `model_path` in the config (config.yaml, or `--set model_path=PATH`): a path, relative ones relative
   to the current folder; the word `default` (what config.yaml says) means the next step;
3. the shipped default model, `sideman-default.safetensors`:
   a. in a clone, the repository's `models/` folder (the file the maintainers update; an editable install
      and `python -m agent` from the clone use it);
   b. in an installed package (`pip install .`, a wheel), the copy inside the package, `agent/data/`
      (setup.py copies it there at build time, so git holds the file once).

Before this, `infill` resolved `models/...` against the current folder and `run` against the repository,
so `sideman infill` failed from a musician's music folder (issue 12). Torch-free on purpose: `doctor`
and `--help` use it without loading the model code.
"""

from __future__ import annotations

import argparse
from importlib import resources
from pathlib import Path

from agent.errors import ConfigError

SHIPPED_NAME = "sideman-default.safetensors"
DEFAULT = "default"  # the config's word for "the shipped model, wherever it is installed"
LEGACY_DEFAULT = "models/sideman-default.safetensors"  # configs written before the search order
REPO_ROOT = Path(__file__).resolve().parents[2]


def shipped_model_candidates() -> list[Path]:
    """Where the shipped model may be, in search order (3a then 3b above)."""
    packaged = Path(str(resources.files("agent"))) / "data" / SHIPPED_NAME
    return [REPO_ROOT / "models" / SHIPPED_NAME, packaged]


def shipped_model() -> Path | None:
    """The shipped default model file, or None when neither the clone nor the package holds it."""
    return next((path for path in shipped_model_candidates() if path.is_file()), None)


def shipped_patches() -> Path | None:
    """The folder of this version's patches (pd/, max/, livecode/): the clone's patches/, else the
    package's copy (agent/data/patches, put there by setup.py like the model)."""
    packaged = Path(str(resources.files("agent"))) / "data" / "patches"
    return next((path for path in (REPO_ROOT / "patches", packaged) if (path / "pd").is_dir()), None)


def resolve_model(explicit: str | Path | None, configured: str | None = DEFAULT) -> Path | None:
    """The model file to load by the search order above; None means "no model" (`none`/null: fallback).

    ConfigError names the option and every place searched when the file is missing, so the musician
    sees what to fix rather than a stack trace."""
    if explicit is not None:
        text = str(explicit)
        if text.lower() == "none":
            return None
        return _existing(Path(text).expanduser(), f"--model {text}")
    if configured is None:
        return None
    if configured not in (DEFAULT, LEGACY_DEFAULT):
        return _existing(Path(configured).expanduser(), f"model_path {configured!r} in the config")
    found = shipped_model()
    if found is None:
        searched = ", ".join(str(path) for path in shipped_model_candidates())
        raise ConfigError(f"the shipped model {SHIPPED_NAME} is missing (searched {searched}); "
                          "reinstall Sideman, or give a model with --model PATH (or --model none)")
    return found


def _existing(path: Path, source: str) -> Path:
    if not path.is_file():
        raise ConfigError(f"{source}: no such model file ({path.resolve()}); "
                          "give an existing .safetensors file, or --model none for the fallback only")
    return path.resolve()


def add_model_argument(parser: argparse.ArgumentParser) -> None:
    """`--model PATH` for the commands that need a model (infill, regenerate, eval, bench-model, ...)."""
    parser.add_argument("--model", type=Path, default=None, metavar="PATH",
                        help="model checkpoint (default: the shipped model, wherever Sideman is installed)")


def model_file(explicit: str | Path | None, configured: str | None = DEFAULT) -> Path:
    """`resolve_model` for a command that cannot play without a model: ConfigError on `none`."""
    path = resolve_model(explicit, configured)
    if path is None:
        raise ConfigError("this command needs a model: give --model PATH (none is only for sideman run)")
    return path
