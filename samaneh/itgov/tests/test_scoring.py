"""The maturity model on hand-computed cases, and the weights the national IT office configures."""
from decimal import Decimal

import pytest

from samaneh.itgov import scoring, services
from samaneh.itgov.models import ITProfile, ProfileStatus, ScoreWeights
from samaneh.itgov.scoring import Facts, SoftwareFact
from samaneh.itgov.services import ITGovRefused


def _facts(**overrides):
    base = dict(
        year=1404, applicable_domains=10,
        software=[
            SoftwareFact(catalogued=True, supported_at_year_end=True, integrations=1, satisfaction=5, on_premise=True),
            SoftwareFact(catalogued=True, supported_at_year_end=False, integrations=0, satisfaction=3, on_premise=False),
            SoftwareFact(catalogued=False, supported_at_year_end=False, integrations=2, satisfaction=1, on_premise=False),
            SoftwareFact(catalogued=True, supported_at_year_end=True, integrations=0, satisfaction=4, on_premise=False),
        ],
        controls=[("mandatory", "implemented"), ("mandatory", "partly"), ("recommended", "no"),
                  ("recommended", "na"), ("mandatory", None)],
        servers_new=1, servers_mid=0, servers_old=1, workstations_new=10, workstations_mid=10, workstations_old=20,
        backup_devices=1, offsite_backup=False, bandwidth_mbps=40, has_it_unit=True, it_reports_to="deputy",
        it_budget_share=Decimal("1"), has_written_plan=False, staff_permanent=1, staff_contract=1,
        staff_outsourced=0, staff_certified=1, staff_left=2,
    )
    base.update(overrides)
    return Facts(**base)


def test_each_dimension_by_hand():
    dims, overall = scoring.score(_facts())
    # coverage 4/10×0.40 + current 2/4×0.30 + integrated 2/4×0.15 + satisfaction ((1+.5+0+.75)/4)×0.15
    assert dims["software"].score == pytest.approx(46.94, abs=0.01)
    # workstations 20/40×0.30 + servers 1/2×0.20 + bandwidth 40/80×0.20 + backup 0.15 + offsite 0
    assert dims["hardware"].score == pytest.approx(50.0)
    # unit 0.30 + deputy 0.6×0.20 + budget 1/2×0.25 + no plan
    assert dims["management"].score == pytest.approx(54.5)
    # staffing 2/1 capped ×0.35 + permanent 1/2×0.20 + certified 1/2×0.25 + retention (1−2/4)×0.20
    assert dims["people"].score == pytest.approx(67.5)
    # weights 2+2+1+2 (n/a left out, unanswered counts as no); earned 2×1 + 2×0.5 = 3 → 3/7
    assert dims["security"].score == pytest.approx(42.86, abs=0.01)
    # default weights 0.30, 0.15, 0.15, 0.15, 0.25
    assert overall == pytest.approx(0.30 * 46.94 + 0.15 * 50 + 0.15 * 54.5 + 0.15 * 67.5 + 0.25 * 42.86, abs=0.01)


def test_no_servers_is_fine_when_nothing_is_hosted_on_the_premises():
    off_site = [SoftwareFact(True, True, 0, 3, on_premise=False)]
    dims, _overall = scoring.score(_facts(software=off_site, servers_new=0, servers_old=0))
    servers = next(i for i in dims["hardware"].items if i.code == "servers")
    assert servers.value == 1.0
    on_site = [SoftwareFact(True, True, 0, 3, on_premise=True)]
    dims, _overall = scoring.score(_facts(software=on_site, servers_new=0, servers_old=0))
    assert next(i for i in dims["hardware"].items if i.code == "servers").value == 0.0


def test_an_empty_profile_scores_zero_everywhere():
    dims, overall = scoring.score(Facts(year=1404, applicable_domains=11, software=[], controls=[("mandatory", None)]))
    assert all(d.score == 0 for d in dims.values()) and overall == 0


def test_configured_weights_change_the_overall_score():
    weights = {"software": 1.0, "hardware": 0.0, "management": 0.0, "people": 0.0, "security": 0.0}
    dims, overall = scoring.score(_facts(), weights)
    assert overall == dims["software"].score


@pytest.mark.django_db
def test_weights_must_sum_to_one_and_only_the_national_office_sets_them(world):
    bad = {"software": "0.3", "hardware": "0.2", "management": "0.2", "people": "0.2", "security": "0.2"}
    with pytest.raises(ITGovRefused) as refusal:
        services.weights_create(user=world["national_it"], effective_year=1404, weights=bad)
    assert "جمع وزن‌ها" in refusal.value.message and "۱.۱" in refusal.value.message
    assert not ScoreWeights.objects.exists()
    good = {"software": "0.2", "hardware": "0.2", "management": "0.2", "people": "0.2", "security": "0.2"}
    with pytest.raises(ITGovRefused):
        services.weights_create(user=world["county_it"], effective_year=1404, weights=good)
    with pytest.raises(ITGovRefused):
        services.weights_create(user=world["national_it"], effective_year=1404, weights={**good, "people": "-0.2",
                                                                                          "security": "0.6"})
    row = services.weights_create(user=world["national_it"], effective_year=1404, weights=good)
    assert row.as_dict() == {k: 0.2 for k in good}


@pytest.mark.django_db
def test_new_weights_rescore_approved_profiles_of_that_year_on(world):
    from samaneh.itgov.tests.conftest import answer_all_controls

    profile = services.profile_create(user=world["staff1"], administration=world["m1"], year=1404)
    answer_all_controls(profile, world["staff1"])
    ITProfile.objects.filter(pk=profile.pk).update(status=ProfileStatus.APPROVED)
    services.scores_store([ITProfile.objects.get(pk=profile.pk)])
    profile.refresh_from_db()
    assert profile.score_security == 100 and profile.score_overall == pytest.approx(25.0)  # default security 0.25
    services.weights_create(user=world["national_it"], effective_year=1404, weights={
        "software": "0", "hardware": "0", "management": "0", "people": "0.5", "security": "0.5"})
    profile.refresh_from_db()
    assert profile.score_overall == pytest.approx(50.0) and profile.weights.effective_year == 1404
