from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from samaneh.geo.demo import create_demo_dehyaris
from samaneh.itgov.demo import create_demo_itgov
from samaneh.services.landfills.demo import create_demo_landfills, create_demo_site_complaints
from samaneh.services.landfills.planning.demo import create_demo_scenario
from samaneh.stats.analytics.services import analytics_refresh
from samaneh.stats.api.demo import create_demo_api_credential
from samaneh.stats.demo import create_demo_stats
from samaneh.stats.viz.demo import create_demo_dashboard
from samaneh.services.complaints.demo import create_demo_complaints
from samaneh.services.complaints.open311.demo import create_demo_open311_client
from samaneh.web.demo import DEMO_CITIZEN_MOBILE, DEMO_PASSWORD, demo_accounts_create, demo_province


class Command(BaseCommand):
    help = "Create the labelled demo data and demo accounts (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--allow-production", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError("Demo accounts have a published password: refusing with DEBUG off.")
        created = create_demo_dehyaris(within=demo_province())
        accounts = demo_accounts_create()
        demo_cases = create_demo_complaints()  # also creates the demo categories
        open311_key = create_demo_open311_client()
        create_demo_stats()
        create_demo_dashboard()
        analytics_refresh()
        api_user, api_password = create_demo_api_credential()
        itgov_profiles = create_demo_itgov()
        landfills = create_demo_landfills()
        create_demo_site_complaints()
        scenario = create_demo_scenario()
        out = self.stdout
        out.write(f"Demo dehyaris created this run: {len(created)}")
        out.write("")
        out.write("=" * 72)
        out.write(f"Demo logins — staff at {reverse('accounts:staff-login')} (password, then TOTP: scan the QR on first")
        out.write("login, or print the current code with `make totp ACCOUNT=<username>`)")
        out.write(f"password for every staff account: {DEMO_PASSWORD}")
        for account in accounts:
            out.write(f"  {account.username:<20} {account.role}  —  {account.unit}")
        out.write(f"Citizen at {reverse('accounts:citizen-login')}: mobile {DEMO_CITIZEN_MOBILE}; the SMS code is written to")
        out.write(f"  {settings.SMS_FILE_PATH}")
        out.write(f"Demo complaints: {len(demo_cases)} (file one at {reverse('complaints:new')}, track at {reverse('track:status')})")
        out.write(f"Open311 GeoReport v2 at /open311/v2/discovery.json — demo api_key: {open311_key}")
        out.write(f"Statistics at {reverse('stats_viz:home')}; DHIS2-compatible API base URL http://127.0.0.1:8000/dhis2")
        out.write(f"  (Basic auth: {api_user} / {api_password}; e.g. /dhis2/api/system/info, /dhis2/api/dataValueSets)")
        out.write(f"IT supervision at {reverse('itgov:home')} (demo IT profiles created this run: {itgov_profiles})")
        out.write(f"Landfill bank at {reverse('landfills:registry')} (demo provinces: {', '.join(landfills) or 'already there'})")
        if scenario is not None:
            out.write(f"  consolidation scenario to run: {reverse('landfills_planning:detail', args=[scenario.pk])} "
                      f"(log in as {scenario.owner.username})")
        out.write("=" * 72)
