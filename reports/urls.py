from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("agent/reports/", views.support_dashboard, name="dashboard"),
    path("organisation/reports/", views.organization_report, name="organization"),
]
