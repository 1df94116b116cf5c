"""OCHA administrative boundaries (COD-AB, 2016): point-in-polygon assignment of events.

An event is placed in a governorate (adm1) or district (adm2) only where its UCDP location
precision allows it: ``where_prec`` 1-3 for districts, 1-4 for governorates, never 5-7
(the coordinates are then only the centroid of a larger area).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import shapefile
import shapely
from numpy.typing import NDArray

from asylon.paths import data_dir

MAX_PREC_ADM2 = 3
MAX_PREC_ADM1 = 4
# Points this close to a unit (in degrees, about 2 km) but outside every polygon, such as events
# on the coastline or the border, are placed in the nearest unit.
SNAP_DEGREES = 0.02


@dataclass(frozen=True)
class Unit:
    pcode: str
    name_en: str
    name_ar: str
    parent: str | None
    geometry: shapely.Geometry


def _read(path: Path, parent_field: str | None) -> tuple[Unit, ...]:
    reader = shapefile.Reader(str(path), encoding="utf-8")
    fields = [f.name for f in reader.fields[1:]]
    units = []
    for shape_record in reader.iterShapeRecords():
        rec = dict(zip(fields, shape_record.record, strict=True))
        geom = shapely.geometry.shape(shape_record.shape.__geo_interface__)
        shapely.prepare(geom)
        units.append(
            Unit(
                pcode=rec["PCODE"],
                name_en=rec["NAME_EN"],
                name_ar=rec["NAME_AR"],
                parent=rec[parent_field] if parent_field else None,
                geometry=geom,
            )
        )
    return tuple(units)


@cache
def governorates() -> tuple[Unit, ...]:
    return _read(data_dir() / "syria-admin-boundaries" / "syr_admin1", None)


@cache
def districts() -> tuple[Unit, ...]:
    return _read(data_dir() / "syria-admin-boundaries" / "syr_admin2", "ADM1_PCODE")


def _assign(
    units: tuple[Unit, ...],
    lon: NDArray[np.float64],
    lat: NDArray[np.float64],
    eligible: NDArray[np.bool_],
) -> list[str | None]:
    out: list[str | None] = [None] * len(lon)
    for unit in units:
        inside = shapely.contains_xy(unit.geometry, lon, lat) & eligible
        for i in np.flatnonzero(inside):
            if out[i] is None:
                out[i] = unit.pcode
    for i in np.flatnonzero(eligible):
        if out[i] is None:
            point = shapely.Point(lon[i], lat[i])
            distance, pcode = min(
                (float(shapely.distance(unit.geometry, point)), unit.pcode) for unit in units
            )
            if distance <= SNAP_DEGREES:
                out[i] = pcode
    return out


def assign(
    lat: list[float | None], lon: list[float | None], where_prec: list[int | None]
) -> tuple[list[str | None], list[str | None]]:
    """(adm1, adm2) p-codes for each point; None where the precision forbids it or the point
    lies outside Syria. ``where_prec`` None means precise (an extract filtered to 1-2)."""
    x = np.array([v if v is not None else np.nan for v in lon], dtype=np.float64)
    y = np.array([v if v is not None else np.nan for v in lat], dtype=np.float64)
    prec = np.array([p if p is not None else 1 for p in where_prec], dtype=np.int64)
    known = ~(np.isnan(x) | np.isnan(y))
    adm1 = _assign(governorates(), x, y, known & (prec <= MAX_PREC_ADM1))
    adm2 = _assign(districts(), x, y, known & (prec <= MAX_PREC_ADM2))
    return adm1, adm2
