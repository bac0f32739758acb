"""The demo Open311 client of the embedded trial, with a published key so anyone can try the API."""
from django.db import transaction

from samaneh.services.complaints.models import Open311Client
from samaneh.services.complaints.open311.auth import client_for_key
from samaneh.services.complaints.open311.services import open311_client_create, open311_client_issue_key

DEMO_OPEN311_KEY = "samaneh-demo-open311-key"
DEMO_OPEN311_CLIENT_NAME = "برنامه نمونه Open311 (آزمایشی)"


@transaction.atomic
def create_demo_open311_client():
    """Make sure the demo client exists and answers to DEMO_OPEN311_KEY; return the key to print.

    Idempotent. The key is stored hashed like any other; if SECRET_KEY changed since the last run (the
    hash is keyed with it), the demo client gets the published key again.
    """
    if client_for_key(DEMO_OPEN311_KEY) is not None:
        return DEMO_OPEN311_KEY
    client = Open311Client.objects.filter(name=DEMO_OPEN311_CLIENT_NAME).order_by("pk").first()
    if client is None:
        open311_client_create(name=DEMO_OPEN311_CLIENT_NAME, raw_key=DEMO_OPEN311_KEY)
    else:
        if not client.is_active:
            client.is_active = True
            client.save(update_fields=["is_active"])
        open311_client_issue_key(client=client, raw_key=DEMO_OPEN311_KEY)
    return DEMO_OPEN311_KEY
