"""Product photos named by a catalog's `image` field: paths relative to the catalog file, checks that
name the file and the product, and thumbnails for the replay report."""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image

from avatar.assets import AssetError, load_image
from script.catalog import Catalog

THUMB = 160  # px, the longer side of a report thumbnail


@dataclass(frozen=True)
class ImageProblem:
    source: str
    sku: str
    title: str
    message: str

    def __str__(self) -> str:
        return (f"{self.source}: product {self.sku} ({self.title}) image: {self.message}; "
                f"its card shows text only")


def resolve_images(catalog: Catalog, base: Path) -> Catalog:
    """The catalog with every relative `image` made relative to `base` (the catalog's folder)."""
    def resolved(image: str | None) -> str | None:
        if not image or Path(image).is_absolute():
            return image
        return str(base / image)
    products = tuple(replace(p, image=resolved(p.image)) if p.image else p for p in catalog.products)
    return replace(catalog, products=products)


def image_problems(catalog: Catalog) -> list[ImageProblem]:
    """Every product photo that is missing or cannot be decoded (each file is decoded in full)."""
    problems = []
    for p in catalog.products:
        if not p.image:
            continue
        try:
            load_image(p.image, "file")
        except AssetError as exc:
            problems.append(ImageProblem(catalog.source, p.sku, p.title, str(exc)))
    return problems


def write_thumbnails(catalog: Catalog, folder: Path) -> dict[str, str]:
    """PNG thumbnails of the usable product photos in `folder`; sku -> file name."""
    written: dict[str, str] = {}
    for p in catalog.products:
        if not p.image:
            continue
        try:
            photo = load_image(p.image, "product image")
        except AssetError:
            continue
        folder.mkdir(parents=True, exist_ok=True)
        photo.thumbnail((THUMB, THUMB), Image.LANCZOS)
        name = f"{len(written):03d}.png"  # SKUs may hold characters a file name cannot
        photo.save(folder / name)
        written[p.sku] = name
    return written
