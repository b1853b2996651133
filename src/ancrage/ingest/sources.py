"""What a user can hand to ``ancrage import``: files, folders, ``.zip`` and ``.gz`` archives, and
``http(s)://`` URLs (downloaded with a progress bar, resumable, cached).

Each source expands into :class:`InputFile` objects that know how to open a binary stream and,
when a real path is needed (DuckDB reads tabular files by path), how to materialise one.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ancrage import config


class SourceError(RuntimeError):
    """A source that cannot be read, explained in French."""


@dataclass(frozen=True)
class InputFile:
    display: str  # what reports show: a path, "archive.zip!member.json", a URL
    open: Callable[[], IO[bytes]]
    size: int | None  # bytes, when known (for progress)
    local_path: Path | None  # a plain file on disk, when there is one


def expand(
    source: str, progress: Callable[[str, int, int | None], None] | None = None
) -> Iterator[InputFile]:
    """Every input file behind ``source``, in a stable order."""
    if source.startswith(("http://", "https://")):
        path = download(source, progress)
        yield from _expand_path(path, display=source)
        return
    path = Path(source)
    if not path.exists():
        raise SourceError(f"Source introuvable : {source}")
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and not _hidden(p, path))
        if not files:
            raise SourceError(f"Le dossier {source} ne contient aucun fichier.")
        for file in files:
            yield from _expand_path(file, display=str(file))
        return
    yield from _expand_path(path, display=str(path))


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _expand_path(path: Path, display: str) -> Iterator[InputFile]:
    with open(path, "rb") as handle:
        magic = handle.read(4)
    if magic.startswith(b"PK\x03\x04"):
        yield from _expand_zip(path, display)
    elif magic.startswith(b"\x1f\x8b"):
        yield InputFile(display, lambda: gzip.open(path, "rb"), None, None)
    else:
        yield InputFile(display, lambda: open(path, "rb"), path.stat().st_size, path)


def _expand_zip(path: Path, display: str) -> Iterator[InputFile]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise SourceError(f"Archive ZIP illisible : {display} ({error}).") from error
    with archive:
        members = sorted(
            (
                m
                for m in archive.infolist()
                if not m.is_dir() and not m.filename.startswith(("__MACOSX", "."))
            ),
            key=lambda m: m.filename,
        )
    for member in members:
        name = member.filename

        def opener(name: str = name) -> IO[bytes]:
            return zipfile.ZipFile(path).open(name)

        yield InputFile(f"{display}!{name}", opener, member.file_size, None)


def download(url: str, progress: Callable[[str, int, int | None], None] | None = None) -> Path:
    """Download ``url`` into the cache, resuming a partial download; return the cached path.

    A complete download is reused as is. Offline, a cached copy is used; without one, a clear
    French error says so.
    """
    cache = config.cache_dir() / "downloads"
    cache.mkdir(parents=True, exist_ok=True)
    name = (
        hashlib.sha256(url.encode()).hexdigest()[:16]
        + "-"
        + (url.rstrip("/").rsplit("/", 1)[-1][:60] or "source")
    )
    target = cache / name
    partial = target.with_suffix(target.suffix + ".part")
    if target.exists():
        return target
    start = partial.stat().st_size if partial.exists() else 0
    request = urllib.request.Request(url, headers={"User-Agent": "ancrage"})
    if start:
        request.add_header("Range", f"bytes={start}-")
    try:
        response = urllib.request.urlopen(request, timeout=config.download_timeout())
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise SourceError(
            f"Téléchargement impossible de {url} : {getattr(error, 'reason', error)}. "
            "Vérifiez la connexion réseau, ou téléchargez le fichier vous-même et importez-le "
            "depuis le disque."
        ) from error
    with response:
        resumed = start and response.status == 206
        total = response.headers.get("Content-Length")
        total_size = int(total) + (start if resumed else 0) if total else None
        done = start if resumed else 0
        with open(partial, "ab" if resumed else "wb") as out:
            while chunk := response.read(1 << 20):
                out.write(chunk)
                done += len(chunk)
                if progress:
                    progress(url, done, total_size)
    if total_size is not None and done != total_size:
        raise SourceError(
            f"Téléchargement incomplet de {url} ({done} octets sur {total_size}) : relancez "
            "la commande, il reprendra où il s'est arrêté."
        )
    shutil.move(partial, target)
    return target
