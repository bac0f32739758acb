"""comment_add: who may write which kind of comment, and that the applicant never reads an internal one."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from samaneh.accounts.roles import Role
from samaneh.cases.comments import comment_add
from samaneh.cases.models import Attachment, Comment, Notification
from samaneh.cases.services import CaseError, case_transition
from samaneh.core.models import AuditEntry
from tests.factories import CitizenFactory, RoleFactory, open_complaint

pytestmark = pytest.mark.django_db

SECRET = "پیمانکار قبلی کم‌کاری کرده است"


@pytest.fixture
def citizen():
    return CitizenFactory()


@pytest.fixture
def expert(tree):
    return RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=tree["city1"]).user


@pytest.fixture
def case(tree, citizen):
    return open_complaint(applicant=citizen, unit=tree["city1"])


def test_staff_write_public_and_internal_comments(case, expert):
    public = comment_add(case=case, user=expert, body="بازدید فردا", visibility="public")
    internal = comment_add(case=case, user=expert, body=SECRET, visibility="internal")
    assert [c.visibility for c in Comment.objects.filter(case=case)] == ["public", "internal"]
    assert public.author == internal.author == expert
    entries = AuditEntry.objects.filter(action="case.comment", object_id=str(case.pk))
    assert [e.after["visibility"] for e in entries.order_by("sequence")] == ["public", "internal"]


def test_a_public_staff_comment_tells_the_applicant_in_app_only(case, expert, citizen):
    before = set(Notification.objects.filter(user=citizen).values_list("pk", flat=True))
    comment_add(case=case, user=expert, body="بازدید فردا انجام می‌شود", visibility="public")
    new = Notification.objects.filter(user=citizen).exclude(pk__in=before)
    assert new.count() == 1
    notification = new.get()
    assert "بازدید فردا انجام می‌شود" in notification.text and case.tracking_code in notification.text
    assert not notification.by_sms


def test_an_internal_comment_tells_nobody(case, expert, citizen):
    count = Notification.objects.count()
    comment_add(case=case, user=expert, body=SECRET, visibility="internal")
    assert Notification.objects.count() == count


def test_the_applicant_writes_public_comments_on_their_own_case_only(tree, case, citizen):
    comment = comment_add(case=case, user=citizen, body="پلاک ۱۲ است", visibility="public")
    assert comment.visibility == "public"
    with pytest.raises(CaseError, match="متقاضی فقط یادداشت عمومی می‌نویسد."):
        comment_add(case=case, user=citizen, body="x", visibility="internal")
    someone_else = CitizenFactory()
    with pytest.raises(CaseError, match="شما به این پرونده دسترسی ندارید."):
        comment_add(case=case, user=someone_else, body="x", visibility="public")
    assert Comment.objects.filter(case=case).count() == 1


def test_a_comment_by_the_applicant_notifies_nobody(case, citizen):
    count = Notification.objects.count()
    comment_add(case=case, user=citizen, body="پلاک ۱۲ است", visibility="public")
    assert Notification.objects.count() == count


def test_staff_of_another_city_may_not_comment(tree, case):
    outsider = RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=tree["city2"]).user
    with pytest.raises(CaseError, match="شما به این پرونده دسترسی ندارید."):
        comment_add(case=case, user=outsider, body="x", visibility="internal")
    assert not Comment.objects.exists()


@pytest.mark.parametrize("body", ["", "   ", "\n\n"])
def test_an_empty_comment_is_refused(case, expert, body):
    with pytest.raises(CaseError, match="متن یادداشت را بنویسید."):
        comment_add(case=case, user=expert, body=body, visibility="public")
    assert not Comment.objects.exists()
    assert not AuditEntry.objects.filter(action="case.comment").exists()


def test_an_unknown_visibility_is_refused(case, expert):
    with pytest.raises(CaseError, match="عمومی است یا داخلی"):
        comment_add(case=case, user=expert, body="x", visibility="everyone")


def test_an_overlong_comment_is_refused_with_the_limit(case, expert):
    with pytest.raises(CaseError, match="۵۰۰۰"):
        comment_add(case=case, user=expert, body="ا" * 5001, visibility="internal")


def test_an_internal_attachment_is_internal_and_a_refused_one_takes_the_comment_with_it(case, expert):
    photo = SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, content_type="image/png")
    comment = comment_add(case=case, user=expert, body="عکس داخلی", visibility="internal", upload=photo)
    attachment = Attachment.objects.get(comment=comment)
    assert not attachment.public
    script = SimpleUploadedFile("a.pdf", b"<script>alert(1)</script>", content_type="application/pdf")
    with pytest.raises(CaseError, match="پذیرفته نیست"):
        comment_add(case=case, user=expert, body="نامه", visibility="public", upload=script)
    assert list(Comment.objects.values_list("body", flat=True)) == ["عکس داخلی"]
    assert Attachment.objects.count() == 1


def test_the_comment_form_normalises_arabic_letters_and_digits(client, case, expert):
    client.force_login(expert)
    client.post(reverse("cases:comment", args=[case.pk]), {"body": "پلاك ١٢ كوچه", "visibility": "internal"})
    assert Comment.objects.get().body == "پلاک 12 کوچه"


def test_an_empty_comment_posted_from_the_page_is_refused_in_persian(client, case, expert):
    client.force_login(expert)
    response = client.post(reverse("cases:comment", args=[case.pk]), {"body": " ", "visibility": "public"})
    assert response.status_code == 200
    assert "متن یادداشت را بنویسید." in response.content.decode()
    assert not Comment.objects.exists()


def test_the_applicant_never_sees_an_internal_comment_anywhere_we_render(client, tree, case, expert, citizen):
    comment_add(case=case, user=expert, body=SECRET, visibility="internal")
    case_transition(case=case, action="answer", user=expert, text="لامپ تعویض شد.", internal_note=SECRET + " دوباره")
    client.force_login(citizen)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    notifications = client.get(reverse("cases:notifications"))
    assert notifications.status_code == 200
    html = notifications.content.decode()
    assert "پاسخ داده شد" in html  # the public answer did reach the applicant
    assert SECRET not in html
    assert all(SECRET not in n.text for n in Notification.objects.filter(user=citizen))


def test_staff_see_internal_and_public_comments_visibly_apart(client, case, expert):
    comment_add(case=case, user=expert, body=SECRET, visibility="internal")
    comment_add(case=case, user=expert, body="بازدید فردا", visibility="public")
    client.force_login(expert)
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert html.count('data-visibility="internal"') == 1 and html.count('data-visibility="public"') == 1
    assert "داخلی، فقط کارکنان" in html and "عمومی، متقاضی می‌بیند" in html
