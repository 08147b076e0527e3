from django.urls import path

from privacy import views

urlpatterns = [
    path("organisation/users/<int:pk>/erase/", views.erase, name="user_erase"),
    path("privacy/exports/", views.exports, name="exports"),
    path("privacy/exports/download/<str:token>/", views.export_download, name="export_download"),
]
