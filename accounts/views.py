from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@never_cache
def healthz(request):
    """For load balancers and docker-compose: the process answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
