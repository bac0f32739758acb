"""View decorators about who is signing in; what they may reach is scope's business (samaneh.geo.scope)."""
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404


def staff_required(view):
    """Signed-in staff only: a citizen gets 404 (staff pages are nothing a citizen should learn exist)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_citizen:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
