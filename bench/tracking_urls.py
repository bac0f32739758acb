"""Bench-only URLconf: every product URL, plus `/bench/bare.json`, a bare Django view answering a constant
JSON of the same shape as a tracking lookup — the peer the lookup is measured against."""
from django.http import JsonResponse
from django.urls import include, path

CONSTANT = {
    "tracking_code": "1234567890",
    "service": "شکایات و درخواست‌های مردمی",
    "state": "answered",
    "state_label": "پاسخ داده شد",
    "created_at": "2025-04-23T06:30:00+00:00",
    "updated_at": "2025-04-27T09:12:00+00:00",
    "events": [
        {"label": "ثبت شد", "at": "2025-04-23T06:30:00+00:00"},
        {"label": "در حال بررسی", "at": "2025-04-26T05:00:00+00:00"},
        {"label": "پاسخ داده شد", "at": "2025-04-27T09:12:00+00:00"},
    ],
}


def bare(request):
    return JsonResponse(CONSTANT, json_dumps_params={"ensure_ascii": False})


urlpatterns = [
    path("bench/bare.json", bare),
    path("", include("samaneh.urls")),
]
