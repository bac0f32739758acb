import base64

import pytest

from samaneh.core.models import AuditEntry
from samaneh.stats.api.demo import create_demo_api_credential
from samaneh.web.demo import demo_accounts_create

pytestmark = pytest.mark.django_db


def test_demo_officer_gets_a_working_api_password_once(client, tree):
    demo_accounts_create()
    username, password = create_demo_api_credential()
    assert (username, password) == ("demo-stats", "Samaneh-API-1403")
    assert create_demo_api_credential() == (username, password)
    assert AuditEntry.objects.filter(action="stats_api.credential_create").count() == 1
    auth = "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()
    me = client.get("/dhis2/api/me", HTTP_AUTHORIZATION=auth)
    assert me.status_code == 200 and me.json()["username"] == "demo-stats"
    assert me.json()["organisationUnits"][0]["name"] == "البرز"
