"""Build hook: the wheel carries the shipped model, which git holds once, in models/.

`pip install .` and `pip wheel .` run `build_py`; this copy adds models/sideman-default.safetensors and its
model card to the package as agent/data/, and the patches (Pd, Max for Live, live coding) as
agent/data/patches/ (agent/paths.py finds them there when Sideman is installed
outside a clone). The sdist includes models/ (MANIFEST.in), so a wheel built from the sdist has them too.
Everything else about the package is in pyproject.toml.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SHIPPED = ("sideman-default.safetensors", "README.md")
PATCHES = ("*.md", "pd/*.pd", "max/*.amxd", "max/*.maxpat", "max/*.js", "livecode/*")  # not the generators


class BuildPyWithModel(build_py):
    """build_py, then copy the shipped model and its card into the built package's data folder."""

    def run(self) -> None:
        super().run()
        source = Path(__file__).resolve().parent / "models"
        target = Path(self.build_lib) / "agent" / "data"
        self.mkpath(str(target))
        for name in SHIPPED:
            if not (source / name).is_file():
                raise SystemExit(f"setup.py: {source / name} is missing (the wheel must carry the shipped model)")
            self.copy_file(str(source / name), str(target / name))
        patches = source.parent / "patches"
        for pattern in PATCHES:
            for path in sorted(patches.glob(pattern)):
                self.mkpath(str(target / "patches" / path.parent.relative_to(patches)))
                self.copy_file(str(path), str(target / "patches" / path.relative_to(patches)))


setup(cmdclass={"build_py": BuildPyWithModel})
