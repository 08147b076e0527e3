from django.urls import path
from django.views.generic import RedirectView

from tickets.views import agent, macros, queue, saved_views, tags

app_name = "agent"

urlpatterns = [
    path("", RedirectView.as_view(url="queue/unassigned/", permanent=False), name="home"),
    path("queue/<slug:view>/", queue.queue, name="queue"),
    path("queue/<slug:view>/export.csv", queue.queue_export, name="queue_export"),
    path("queue-columns/", queue.queue_columns, name="queue_columns"),
    path("availability/", queue.queue_availability, name="availability"),
    path("bulk/", agent.bulk, name="bulk"),
    path("tickets/new/", agent.open_for_customer, name="open"),
    path("verify-caller/", agent.verify_caller, name="verify_caller"),
    path("tags/", tags.tag_suggestions, name="tag_suggestions"),
    path("macros/", macros.macro_list, name="macros"),
    path("macros/new/", macros.macro_create, name="macro_create"),
    path("macros/<int:pk>/edit/", macros.macro_edit, name="macro_edit"),
    path("macros/<int:pk>/delete/", macros.macro_delete, name="macro_delete"),
    path("macros/<int:pk>/preview/", macros.macro_preview, name="macro_preview"),
    path("views/", saved_views.saved_view_list, name="saved_views"),
    path("views/new/", saved_views.saved_view_create, name="saved_view_create"),
    path("views/<int:pk>/edit/", saved_views.saved_view_edit, name="saved_view_edit"),
    path("views/<int:pk>/delete/", saved_views.saved_view_delete, name="saved_view_delete"),
]
