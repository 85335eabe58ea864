"""The SBOM cut: cyclonedx-py's environment SBOM reduced to what the bundle ships (issue 15).

The real run (cyclonedx-py on the packaging venv, schema validation) is `make sbom`;
`make package-test` validates the shipped file against the CycloneDX schema again."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location(
    "cyclonedx_sbom", ROOT / "packaging" / "cyclonedx_sbom.py"
)
assert _spec is not None
assert _spec.loader is not None
sbom = importlib.util.module_from_spec(_spec)
sys.modules["cyclonedx_sbom"] = sbom
_spec.loader.exec_module(sbom)


def _component(name: str, version: str) -> dict[str, Any]:
    ref = f"{name}=={version}"
    return {"type": "library", "bom-ref": ref, "name": name, "version": version}


def environment_bom() -> dict[str, Any]:
    """The shape cyclonedx-py gives for a venv with the runtime deps and the build tools."""
    names = {
        "PySide6_Essentials": "6.11.3",
        "shiboken6": "6.11.3",
        "pydantic": "2.14.3",
        "pydantic_core": "2.50.4",
        "typing_extensions": "4.16.0",
        "pyinstaller": "6.22.3",
        "setuptools": "65.5.0",
        "pip": "23.2.1",
    }
    return {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "metadata": {"component": {"bom-ref": "root-component", "name": "crs-calc"}},
        "components": [_component(n, v) for n, v in names.items()],
        "dependencies": [
            {
                "ref": "root-component",
                "dependsOn": ["PySide6_Essentials==6.11.3", "pydantic==2.14.3"],
            },
            {"ref": "PySide6_Essentials==6.11.3", "dependsOn": ["shiboken6==6.11.3"]},
            {"ref": "pydantic==2.14.3", "dependsOn": ["pydantic_core==2.50.4"]},
            {"ref": "pydantic_core==2.50.4", "dependsOn": ["typing_extensions==4.16.0"]},
            {"ref": "pyinstaller==6.22.3", "dependsOn": ["setuptools==65.5.0"]},
            {"ref": "setuptools==65.5.0", "dependsOn": ["pip==23.2.1"]},
        ],
    }


def test_closure_follows_the_dependency_graph_from_the_root() -> None:
    assert sbom.closure(environment_bom()) == {
        "PySide6_Essentials==6.11.3",
        "shiboken6==6.11.3",
        "pydantic==2.14.3",
        "pydantic_core==2.50.4",
        "typing_extensions==4.16.0",
    }


def test_the_build_tools_are_cut_and_python_and_the_bootloader_added() -> None:
    bom = sbom.shipped_bom(environment_bom(), "3.11.7")
    names = [c["name"] for c in bom["components"]]
    assert "pyinstaller" not in names
    assert "setuptools" not in names
    assert "pip" not in names
    assert {"CPython", "pyinstaller-bootloader", "PySide6_Essentials", "typing_extensions"} <= set(
        names
    )
    boot = next(c for c in bom["components"] if c["name"] == "pyinstaller-bootloader")
    assert boot["version"] == "6.22.3"  # taken from the pyinstaller component the tool found
    assert boot["licenses"] == [{"expression": "GPL-2.0-or-later WITH Bootloader-exception"}]
    root = next(d for d in bom["dependencies"] if d["ref"] == "root-component")
    assert "pkg:generic/cpython@3.11.7" in root["dependsOn"]
    refs = {d["ref"] for d in bom["dependencies"]}
    assert "pyinstaller==6.22.3" not in refs


def test_the_full_pyside6_wheel_is_refused() -> None:
    bom = environment_bom()
    bom["components"].append(_component("PySide6", "6.11.3"))
    with pytest.raises(SystemExit, match="Essentials only"):
        sbom.shipped_bom(bom, "3.11.7")


def test_licence_names_skip_the_tools_declared_file_markers() -> None:
    component = {
        "licenses": [
            {"license": {"id": "MIT"}},
            {"license": {"name": "declared license file: LICENSE"}},
        ]
    }
    assert sbom.licence_of(component) == "MIT"
