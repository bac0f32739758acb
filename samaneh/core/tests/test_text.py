from hypothesis import given, settings
from hypothesis import strategies as st

from samaneh.core.text import ZWNJ, normalize_digits, normalize_text, search_key, to_persian_digits

PERSIAN_LETTERS = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"
ARABIC_FORMS = "\u064a\u0649\u0643"  # ي ى ك
DIGITS = "0123456789۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩"
INVISIBLES = "\u0640\u200b\u200d\u200e\u200f\u2060\ufeff\u202b\u2067\u00ad"
SPACES = " \t\n\r\u00a0\u2009\u3000"

# Text as people paste it: Persian and Arabic letters, digits in three scripts, Latin, every kind of
# space, ZWNJ and the invisible marks that come with copy-paste.
messy_text = st.text(
    alphabet=st.sampled_from(PERSIAN_LETTERS + ARABIC_FORMS + DIGITS + INVISIBLES + SPACES + ZWNJ + "abcXYZ-/.،"),
    max_size=40,
)
word = st.text(alphabet=st.sampled_from(PERSIAN_LETTERS), min_size=1, max_size=8)


def assert_canonical(out):
    assert not set(out) & set(ARABIC_FORMS)
    assert not set(out) & set("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩")
    assert not set(out) & set(INVISIBLES)
    assert "  " not in out
    assert not set(out) & set("\t\r\u00a0\u2009\u3000")
    assert out == out.strip(" \n" + ZWNJ)
    assert ZWNJ * 2 not in out
    assert f" {ZWNJ}" not in out and f"{ZWNJ} " not in out


@settings(max_examples=150)
@given(messy_text)
def test_normalize_text_is_canonical_and_idempotent(text):
    out = normalize_text(text)
    assert_canonical(out)
    assert "\n" not in out
    assert normalize_text(out) == out


@settings(max_examples=150)
@given(messy_text)
def test_normalize_text_keeping_newlines_is_canonical_and_idempotent(text):
    out = normalize_text(text, keep_newlines=True)
    assert_canonical(out)
    assert "\n\n\n" not in out
    assert " \n" not in out and "\n " not in out
    assert normalize_text(out, keep_newlines=True) == out


@settings(max_examples=100)
@given(word, word)
def test_zwnj_inside_a_word_is_kept(left, right):
    assert normalize_text(left + ZWNJ + right) == left + ZWNJ + right
    assert normalize_text(left + ZWNJ + ZWNJ + right) == left + ZWNJ + right


@settings(max_examples=100)
@given(st.lists(word, min_size=1, max_size=5))
def test_persian_words_survive_unchanged(words):
    text = " ".join(words)
    assert normalize_text(text) == text


def test_arabic_letters_and_digits_become_persian_letters_and_ascii_digits():
    assert normalize_text("كرج") == "کرج"
    assert normalize_text("علي") == "علی"
    assert normalize_text("مصطفى") == "مصطفی"
    assert normalize_text("پلاك ۱۲۳ واحد ٤٥") == "پلاک 123 واحد 45"


def test_tatweel_and_invisible_marks_are_dropped():
    assert normalize_text("تهـــران") == "تهران"
    assert normalize_text("\u200fکرج\u200b\ufeff") == "کرج"


def test_spaces_collapse_and_a_zwnj_beside_a_space_goes():
    assert normalize_text("  کمال   \t آباد  ") == "کمال آباد"
    assert normalize_text(f"می {ZWNJ} روم") == "می روم"
    assert normalize_text(f"a {ZWNJ} {ZWNJ} b") == "a b"
    assert normalize_text(f"کتاب{ZWNJ} {ZWNJ}ها") == "کتاب ها"
    assert normalize_text(f"{ZWNJ}کتاب{ZWNJ}") == "کتاب"


def test_line_breaks_are_kept_only_when_asked():
    text = "سلام،  \r\nجاده خراب است.\n\n\n\nلطفاً رسیدگی کنید.  "
    assert normalize_text(text) == "سلام، جاده خراب است. لطفاً رسیدگی کنید."
    assert normalize_text(text, keep_newlines=True) == "سلام،\nجاده خراب است.\n\nلطفاً رسیدگی کنید."


def test_non_strings_pass_through():
    assert normalize_text(None) is None
    assert normalize_text(12) == 12
    assert normalize_digits(None) is None


def test_normalize_digits_touches_only_digits():
    assert normalize_digits("كد ۰۹۱۲ ٣٤") == "كد 0912 34"


def test_search_key_matches_what_people_type():
    assert search_key("كمال‌آباد") == search_key("کمال آباد") == "کمال آباد"
    assert search_key("Karaj ") == "karaj"
    assert search_key(None) == ""


def test_to_persian_digits():
    assert to_persian_digits(1403) == "۱۴۰۳"
    assert to_persian_digits("1403/05/12") == "۱۴۰۳/۰۵/۱۲"


def test_persian_sort_key_puts_persian_letters_in_alphabet_order():
    from samaneh.core.text import persian_sort_key

    names = ["گرگان", "کرج", "زنجان", "ژاوه", "پاوه", "بابل", "چالوس", "یزد"]
    assert sorted(names, key=persian_sort_key) == ["بابل", "پاوه", "چالوس", "زنجان", "ژاوه", "کرج", "گرگان", "یزد"]
    assert persian_sort_key("كرج") == persian_sort_key("کرج")
