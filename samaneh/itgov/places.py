"""Where to put a unit's marker on the maturity map while the platform has no boundaries or coordinates.

Approximate positions (to about a kilometre) of the provincial capitals and of Tehran province's county
seats — public geography, typed from the seats' well-known coordinates. A unit not listed here is named on
the map page as "not placed" rather than guessed.
"""
from samaneh.core.text import search_key

PROVINCE_CAPITALS = {
    "آذربایجان شرقی": (38.08, 46.29), "آذربایجان غربی": (37.55, 45.07), "اردبیل": (38.25, 48.29),
    "اصفهان": (32.65, 51.67), "البرز": (35.84, 50.94), "ایلام": (33.64, 46.42), "بوشهر": (28.97, 50.84),
    "تهران": (35.69, 51.39), "چهارمحال و بختیاری": (32.33, 50.86), "خراسان جنوبی": (32.87, 59.22),
    "خراسان رضوی": (36.30, 59.61), "خراسان شمالی": (37.47, 57.33), "خوزستان": (31.32, 48.67),
    "زنجان": (36.68, 48.48), "سمنان": (35.58, 53.39), "سیستان و بلوچستان": (29.50, 60.86), "فارس": (29.59, 52.58),
    "قزوین": (36.27, 50.00), "قم": (34.64, 50.88), "کردستان": (35.31, 47.00), "کرمان": (30.28, 57.08),
    "کرمانشاه": (34.31, 47.07), "کهگیلویه و بویراحمد": (30.67, 51.59), "گلستان": (36.84, 54.44),
    "گیلان": (37.28, 49.58), "لرستان": (33.49, 48.36), "مازندران": (36.56, 53.06), "مرکزی": (34.09, 49.69),
    "هرمزگان": (27.18, 56.27), "همدان": (34.80, 48.51), "یزد": (31.90, 54.37),
}

COUNTY_SEATS = {
    # Tehran province
    "تهران": (35.69, 51.39), "ری": (35.59, 51.44), "شمیرانات": (35.80, 51.50), "اسلامشهر": (35.55, 51.23),
    "شهریار": (35.66, 51.06), "ورامین": (35.32, 51.65), "پاکدشت": (35.47, 51.68), "دماوند": (35.72, 52.07),
    "فیروزکوه": (35.76, 52.78), "رباط کریم": (35.48, 51.08), "بهارستان": (35.54, 51.16), "ملارد": (35.67, 50.98),
    "قدس": (35.72, 51.11), "پیشوا": (35.31, 51.73), "قرچک": (35.43, 51.57), "پردیس": (35.74, 51.78),
    # Alborz and Kerman seats used by the sample tree of the tests
    "کرج": (35.84, 50.94), "رفسنجان": (30.41, 55.99),
}

_PROVINCES = {search_key(name): where for name, where in PROVINCE_CAPITALS.items()}
_COUNTIES = {search_key(name): where for name, where in COUNTY_SEATS.items()}


def locate(unit):
    """(lat, lng) of a province's capital or a county's seat, or None when not known."""
    table = {"province": _PROVINCES, "county": _COUNTIES}.get(unit.kind)
    if table is None:
        return None
    return table.get(search_key(unit.name))
