"""Only the C extension: everything else about the package is in pyproject.toml."""

from setuptools import Extension, setup

# The fast path's per-line loop in C (see src/ancrage/ingest/lines.py). Optional: without a C
# compiler the package still installs, and the same work is done in Python, more slowly.
setup(
    ext_modules=[
        Extension(
            "ancrage.ingest._lines",
            sources=["src/ancrage/ingest/_lines.c"],
            extra_compile_args=["-O3"],
            libraries=["crypto"],  # OpenSSL's MD5, as hashlib
            optional=True,
        ),
        # The compiled normaliser of clean marchés (see src/ancrage/ingest/compiled.py).
        # Optional likewise: without it, DuckDB SQL does that work.
        Extension(
            "ancrage.ingest._marches",
            sources=["src/ancrage/ingest/_marches.c"],
            depends=["src/ancrage/ingest/_columns.h", "src/ancrage/ingest/_json.h"],
            extra_compile_args=["-O3"],
            libraries=["crypto", "m"],  # MD5 of the contract identity, as DuckDB's md5()
            optional=True,
        ),
    ]
)
