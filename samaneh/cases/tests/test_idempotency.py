"""A repeated submission (a double click, an API client retrying after a timeout) makes one case."""
import threading

import pytest
from django.db import connection

from samaneh.cases.models import Case, IdempotencyKey
from samaneh.cases.services import CaseError, case_create_once
from tests.factories import CitizenFactory, open_complaint


def filer(citizen, unit):
    return lambda: open_complaint(applicant=citizen, unit=unit)


@pytest.mark.django_db
def test_the_same_key_twice_gives_the_first_case(tree):
    citizen = CitizenFactory()
    first = case_create_once(user=citizen, idempotency_key="form-7f3a", create=filer(citizen, tree["city1"]))
    again = case_create_once(user=citizen, idempotency_key="form-7f3a", create=filer(citizen, tree["city1"]))
    assert first.created and not again.created
    assert again.case.pk == first.case.pk
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_from_two_people_makes_two_cases(tree):
    one, other = CitizenFactory(), CitizenFactory()
    a = case_create_once(user=one, idempotency_key="retry-1", create=filer(one, tree["city1"]))
    b = case_create_once(user=other, idempotency_key="retry-1", create=filer(other, tree["city1"]))
    assert a.created and b.created and a.case.pk != b.case.pk
    assert Case.objects.count() == 2


@pytest.mark.django_db
def test_without_a_key_each_submission_is_a_new_case(tree):
    citizen = CitizenFactory()
    for key in ("", "   ", None):
        assert case_create_once(user=citizen, idempotency_key=key, create=filer(citizen, tree["city1"])).created
    assert Case.objects.count() == 3 and not IdempotencyKey.objects.exists()


@pytest.mark.django_db
def test_a_refused_submission_keeps_no_key_so_the_corrected_retry_goes_through(tree):
    citizen = CitizenFactory()

    def refused():
        open_complaint(applicant=citizen, unit=tree["city1"])
        raise CaseError("شرح شکایت را بنویسید.")

    with pytest.raises(CaseError):
        case_create_once(user=citizen, idempotency_key="k-1", create=refused)
    assert not Case.objects.exists() and not IdempotencyKey.objects.exists()
    assert case_create_once(user=citizen, idempotency_key="k-1", create=filer(citizen, tree["city1"])).created


@pytest.mark.django_db(transaction=True)
def test_simultaneous_submissions_with_one_key_make_one_case(tree):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("threads need a database they can share: PostgreSQL or a SQLite file (SAMANEH_TEST_SQLITE)")
    citizen = CitizenFactory()
    threads_count = 4
    start = threading.Barrier(threads_count, timeout=30)
    outcomes, errors = [], []

    def submit():
        try:
            start.wait()
            outcomes.append(
                case_create_once(user=citizen, idempotency_key="double-click", create=filer(citizen, tree["city1"]))
            )
        except Exception as exc:  # reported below: a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(outcomes) == threads_count
    assert Case.objects.count() == 1 and IdempotencyKey.objects.count() == 1
    assert {o.case.pk for o in outcomes} == {Case.objects.get().pk}
    assert sum(o.created for o in outcomes) == 1
