"""Signing in and out, the home page and the language switch."""

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from guanxi.people.services import user_set_language

from ..decorators import member_view
from ..forms.account import SignInForm


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True
    authentication_form = SignInForm


class LogoutView(auth_views.LogoutView):
    """Sign out (POST only, as Django requires) and go back to the sign-in page."""


@require_GET
@member_view
def home(request: HttpRequest) -> HttpResponse:
    return redirect("web:today")


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_POST
@member_view
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the signed-in user's language (kept on the user, so it follows them to every device)."""
    try:
        user_set_language(user=request.user, language=request.POST.get("language", ""))  # type: ignore[arg-type]
    except ValueError:
        return HttpResponseBadRequest()
    return HttpResponseRedirect(_safe_next(request, reverse("web:home")))
