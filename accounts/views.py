from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache


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
