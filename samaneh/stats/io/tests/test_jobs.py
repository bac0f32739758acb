"""The import job: all or nothing when it crashes part-way, progress while it runs, and who sees it."""
from django.urls import reverse

from samaneh.accounts.roles import Role
from samaneh.stats import datavalues
from samaneh.stats.io import services
from samaneh.stats.io.models import ImportJob
from samaneh.stats.io.tests.conftest import download, fill, upload
from samaneh.stats.models import DataValue
from tests.factories import CitizenFactory, RoleFactory


def _checked_job(client, meta):
    city, village, d = meta.tree["city1"], meta.tree["v1"], meta.default_coc
    filled = fill(download(client, meta.monthly, meta.month.id), {
        (city, meta.permits, d): 1, (city, meta.spent, d): 2, (city, meta.staff, meta.coc_f): 3,
        (village, meta.permits, d): 4, (village, meta.spent, d): 5,
    })
    assert upload(client, meta.monthly, filled).status_code == 302
    return ImportJob.objects.latest("pk")


def test_crash_after_first_chunk_leaves_nothing(officer_client, meta, monkeypatch, django_capture_on_commit_callbacks):
    job = _checked_job(officer_client, meta)
    monkeypatch.setattr(services, "CHUNK_ROWS", 2)
    written_by_first_chunk = []

    def crash_after_first_chunk(**kwargs):
        if written_by_first_chunk:
            raise OSError("disk went away")
        summary = datavalues.datavalues_import(**kwargs)
        written_by_first_chunk.append(DataValue.objects.count())
        return summary

    monkeypatch.setattr(services, "datavalues_import", crash_after_first_chunk)
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(reverse("stats_io:confirm", args=[job.pk]))
    assert response.status_code == 302
    assert written_by_first_chunk == [2]  # the first chunk really wrote its two values…
    assert DataValue.objects.count() == 0  # …and the crash took them back
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and job.finished_at is not None
    page = officer_client.get(reverse("stats_io:job", args=[job.pk])).content.decode()
    assert "هیچ مقداری از این فایل ذخیره نشد" in page and "disk went away" not in page


def test_chunks_add_up_to_one_summary(officer_client, meta, monkeypatch, django_capture_on_commit_callbacks):
    job = _checked_job(officer_client, meta)
    monkeypatch.setattr(services, "CHUNK_ROWS", 2)
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(reverse("stats_io:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.summary["imported"] == 5 and DataValue.objects.count() == 5


def test_progress_polls_until_done(officer_client, meta, django_capture_on_commit_callbacks):
    job = _checked_job(officer_client, meta)
    officer_client.post(reverse("stats_io:confirm", args=[job.pk]))  # committed callbacks not run: still queued
    job.refresh_from_db()
    assert job.status == ImportJob.Status.QUEUED
    fragment = officer_client.get(reverse("stats_io:progress", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "در صف" in fragment and 'aria-valuenow="0"' in fragment
    services.progress_set(job.pk, 3, 5)
    fragment = officer_client.get(reverse("stats_io:progress", args=[job.pk])).content.decode()
    assert 'aria-valuenow="60"' in fragment and "۳" in fragment
    from samaneh.stats.io.tasks import import_job_run

    assert import_job_run.delay(job.pk).get() == ImportJob.Status.DONE
    fragment = officer_client.get(reverse("stats_io:progress", args=[job.pk])).content.decode()
    assert "hx-trigger" not in fragment and 'aria-valuenow="100"' in fragment and "ورود داده انجام شد." in fragment
    # Delivered twice, the task does not import twice.
    assert import_job_run.delay(job.pk).get() == ImportJob.Status.DONE
    assert DataValue.objects.count() == 5


def test_confirm_twice_is_refused(officer_client, meta, django_capture_on_commit_callbacks):
    job = _checked_job(officer_client, meta)
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(reverse("stats_io:confirm", args=[job.pk]))
    response = officer_client.post(reverse("stats_io:confirm", args=[job.pk]))
    assert response.status_code == 400 and "پیش‌تر تأیید شده" in response.content.decode()


def test_jobs_are_scoped(client, officer_client, meta, django_capture_on_commit_callbacks):
    job = _checked_job(officer_client, meta)
    urls = [reverse("stats_io:job", args=[job.pk]), reverse("stats_io:progress", args=[job.pk])]
    kerman = RoleFactory(role=Role.STATISTICS_OFFICER, org_unit=meta.tree["p2"]).user
    colleague = RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=meta.tree["city1"]).user  # enters, does not manage
    national = RoleFactory(role=Role.STATISTICS_OFFICER, org_unit=meta.tree["country"]).user
    for outsider in (kerman, colleague, CitizenFactory()):
        client.force_login(outsider)
        for url in urls:
            assert client.get(url).status_code == 404
        assert client.post(reverse("stats_io:confirm", args=[job.pk])).status_code == 404
        assert job.original_name not in client.get(reverse("stats_io:index")).content.decode()
    client.force_login(national)  # a manager above sees it, but only the uploader may confirm
    page = client.get(urls[0]).content.decode()
    assert job.original_name in page and "تأیید و ورود داده" not in page
    assert job.original_name in client.get(reverse("stats_io:index")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("stats_io:confirm", args=[job.pk]))
    assert response.status_code == 400 and "فقط کسی که فایل را بارگذاری کرده" in response.content.decode()
    assert DataValue.objects.count() == 0


def test_pages_need_stats_entry(client, meta):
    client.force_login(CitizenFactory())
    assert client.get(reverse("stats_io:index")).status_code == 404
    viewer = RoleFactory(role=Role.PROVINCE_REVIEWER, org_unit=meta.tree["p1"]).user  # views stats, enters nothing
    client.force_login(viewer)
    assert client.get(reverse("stats_io:index")).status_code == 404
    assert client.get(reverse("stats_io:template"), {"data_set": meta.monthly.pk}).status_code == 404
    client.logout()
    assert client.get(reverse("stats_io:index")).status_code == 302


def test_index_lists_only_forms_in_scope(officer_client, meta):
    page = officer_client.get(reverse("stats_io:index")).content.decode()
    assert meta.monthly.name in page
    other = meta.monthly.__class__.objects.create(code="IO_KERMAN", name="فرم ویژه کرمان", period_type="Monthly")
    other.organisation_units.set([meta.tree["city2"]])
    assert "فرم ویژه کرمان" not in officer_client.get(reverse("stats_io:index")).content.decode()
