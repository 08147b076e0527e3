from django.urls import path

from webhooks import api

# Mounted by helpdesk/urls.py under /api/v1/ in the ``api`` namespace.
urlpatterns = [
    path("webhooks/", api.WebhookListView.as_view(), name="webhooks"),
    path("webhooks/<int:hook_id>/", api.WebhookDetailView.as_view(), name="webhook"),
    path("webhooks/<int:hook_id>/active/", api.WebhookActiveView.as_view(), name="webhook-active"),
    path(
        "webhooks/<int:hook_id>/rotate-secret/",
        api.WebhookRotateView.as_view(),
        name="webhook-rotate",
    ),
    path("webhooks/<int:hook_id>/test/", api.WebhookTestView.as_view(), name="webhook-test"),
    path(
        "webhooks/<int:hook_id>/deliveries/",
        api.WebhookDeliveriesView.as_view(),
        name="webhook-deliveries",
    ),
]
