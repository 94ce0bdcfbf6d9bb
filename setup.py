"""The core lives in src/contactsync; the connectors in connectors/, installed as contactsync_connectors.

setuptools cannot express "this folder is that package, with its subpackages" in pyproject.toml alone,
so the package list is computed here. Everything else is in pyproject.toml.
"""

from setuptools import find_packages, setup

core = find_packages("src")
connectors = ["contactsync_connectors"] + [
    f"contactsync_connectors.{name}" for name in find_packages("connectors")
]
setup(
    packages=core + connectors,
    package_dir={"": "src", "contactsync_connectors": "connectors"},
)
