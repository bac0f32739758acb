"""The demo statistics officer's API password, printed by `make run` (embedded trial only)."""
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password

from samaneh.stats.api.models import ApiCredential
from samaneh.stats.api.services import api_credential_create

DEMO_STATS_USERNAME = "demo-stats"
# Published with the demo, like the web demo password: never use it outside the trial.
DEMO_API_PASSWORD = "Samaneh-API-1403"


def create_demo_api_credential():
    """(username, API password) for `demo-stats`; created once, left alone when it already works.

    Needs the demo accounts (web.demo.demo_accounts_create) first."""
    user = get_user_model().objects.get(username=DEMO_STATS_USERNAME)
    credential = ApiCredential.objects.filter(user=user).first()
    if credential is None or not credential.active or not check_password(DEMO_API_PASSWORD, credential.password):
        api_credential_create(user, password=DEMO_API_PASSWORD)
    return DEMO_STATS_USERNAME, DEMO_API_PASSWORD
