from django.urls import path

from webhooks import views

app_name = "webhooks"

# Support admins at /webhooks/, customer admins at /organisation/webhooks/:
# the same views, the portal ones limited to the organisation's own hooks.
urlpatterns = [
    path("webhooks/", views.hook_list, name="list"),
    path("webhooks/new/", views.hook_new, name="new"),
    path("webhooks/<int:pk>/", views.hook_detail, name="detail"),
    path("webhooks/<int:pk>/delete/", views.hook_delete, name="delete"),
    path("webhooks/<int:pk>/<str:action>/", views.hook_action, name="action"),
    path("organisation/webhooks/", views.hook_list, {"portal": True}, name="portal_list"),
    path("organisation/webhooks/new/", views.hook_new, {"portal": True}, name="portal_new"),
    path(
        "organisation/webhooks/<int:pk>/",
        views.hook_detail,
        {"portal": True},
        name="portal_detail",
    ),
    path(
        "organisation/webhooks/<int:pk>/delete/",
        views.hook_delete,
        {"portal": True},
        name="portal_delete",
    ),
    path(
        "organisation/webhooks/<int:pk>/<str:action>/",
        views.hook_action,
        {"portal": True},
        name="portal_action",
    ),
]
