from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "samaneh.accounts"
    label = "accounts"
    verbose_name = "حساب‌ها و نقش‌ها"
