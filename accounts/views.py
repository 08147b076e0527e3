from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from accounts.forms import PinForm
from accounts.models import SupportContact
from accounts.pins import pin_set


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return home_url(self.request.user)


def home_url(user) -> str:
    """Support staff start in the queue, customers in their Tickets."""
    if user.is_authenticated and user.is_support_staff:
        return reverse("agent:queue", kwargs={"view": "unassigned"})
    return reverse("tickets:list")


@login_required
def home(request):
    return redirect(home_url(request.user))


@never_cache
def healthz(request):
    """For load balancers and docker-compose: the process answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@login_required
def profile(request):
    """The user's own settings: for customers, their support PIN."""
    form = PinForm(request.POST or None) if request.user.is_customer else None
    if request.method == "POST" and form is not None and form.is_valid():
        pin_set(user=request.user, pin=form.cleaned_data["pin"])
        messages.success(request, "Your support PIN is saved. Quote it when you contact support.")
        return redirect("profile")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/profile.html", {"form": form}, status=status)


@login_required
def get_support(request):
    """Seed 000: the ways to reach support for the customer's tier, and the email template."""
    organization = request.user.organization
    if organization is None:
        raise Http404("This page is for customers.")
    contacts = SupportContact.for_tier(organization.support_tier)
    return render(
        request,
        "accounts/get_support.html",
        {"organization": organization, "contacts": contacts, "Kind": SupportContact.Kind},
    )
