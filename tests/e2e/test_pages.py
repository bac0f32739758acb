import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.e2e


def test_home_is_rtl_persian_in_vazirmatn(page, live_tree, screenshot):
    page.goto("/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "fa"
    page.evaluate("document.fonts.ready")
    family = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert family.split(",")[0].strip("\"' ") == "Vazirmatn"
    assert page.evaluate("document.fonts.check('16px Vazirmatn')")
    # The webfont really loaded from our static files (not a system fallback).
    loaded = page.evaluate("[...document.fonts].filter(f => f.family.includes('Vazirmatn') && f.status === 'loaded').length")
    assert loaded >= 1
    # Counts are shown with Persian digits.
    assert re.search("[۰-۹]", page.locator("main").inner_text())
    screenshot("home")


def test_language_switch_to_english_is_ltr(page, live_tree):
    page.goto("/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.locator("html").get_attribute("lang") == "en"


def test_arabic_letters_find_the_unit(page, live_tree, screenshot):
    page.goto(reverse("geo:browse"))
    search = page.locator("input[name=q]").first
    search.fill("كرج")  # Arabic kaf, as typed on an Arabic keyboard
    search.press("Enter")
    results = page.locator("#unit-results")
    results.get_by_text("کرج").first.wait_for()
    text = results.inner_text()
    assert "کرج" in text
    assert "کرمان" not in text
    screenshot("search-arabic-letters")


def test_live_search_updates_without_reload(page, live_tree):
    page.goto(reverse("geo:browse"))
    page.evaluate("window.__marker = 'same-page'")
    page.locator("input[name=q]").first.type("كلاك", delay=30)
    page.locator("#unit-results").get_by_text("کلاک بالا").wait_for()
    assert page.evaluate("window.__marker") == "same-page"
