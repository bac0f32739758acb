"""What IT supervision feeds into the statistical system: yearly maturity scores per municipality/dehyari.

Each feed reads the stored scores of the profiles the province approved for the year and writes them on the
administration's org unit; aggregation up the tree is the mean (a county's maturity is its members' mean).
"""
from samaneh.itgov import scoring

# Stored metadata, not interface text: the element names stay Persian whatever language runs the server.
ELEMENT_NAMES = {"software": "نرم‌افزار", "hardware": "سخت‌افزار", "management": "مدیریت",
                 "people": "نیروی انسانی", "security": "امنیت"}


def _scores(field):
    def compute(period):
        from samaneh.itgov.models import ITProfile, ProfileStatus

        return list(ITProfile.objects.filter(year=period.year, status=ProfileStatus.APPROVED,
                                             **{f"{field}__isnull": False}).values_list("org_unit_id", field))

    return compute


def register_feeds():
    from samaneh.stats import feeds, periods

    feeds.register(feeds.Feed(
        code="itgov.maturity.overall", element_code="ITGOV_MATURITY", name="امتیاز کل بلوغ فناوری اطلاعات",
        name_en="IT maturity score (overall)", value_type="NUMBER", aggregation_type="AVERAGE",
        period_type=periods.YEARLY, compute=_scores("score_overall"),
        description="امتیاز ۰ تا ۱۰۰ مدل بلوغ فناوری اطلاعات، از شناسنامه‌های تأییدشده استانداری",
    ))
    for dimension in scoring.DIMENSIONS:
        feeds.register(feeds.Feed(
            code=f"itgov.maturity.{dimension}", element_code=f"ITGOV_MATURITY_{dimension.upper()}",
            name=f"امتیاز بلوغ فناوری اطلاعات — {ELEMENT_NAMES[dimension]}",
            name_en=f"IT maturity score ({dimension})", value_type="NUMBER", aggregation_type="AVERAGE",
            period_type=periods.YEARLY, compute=_scores(f"score_{dimension}"),
            description="امتیاز ۰ تا ۱۰۰ این بُعد در مدل بلوغ فناوری اطلاعات",
        ))
