"""`{% unread_notifications_count %}`: the signed-in user's unread notifications, for the navbar."""
from django import template

from samaneh.cases.selectors import unread_notification_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications_count(context):
    user = getattr(context.get("request"), "user", None) or context.get("user")
    if user is None:
        return 0
    return unread_notification_count(user=user)
