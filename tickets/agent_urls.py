from django.urls import path
from django.views.generic import RedirectView

from tickets.views import agent, queue, tags

app_name = "agent"

urlpatterns = [
    path("", RedirectView.as_view(url="queue/unassigned/", permanent=False), name="home"),
    path("queue/<slug:view>/", queue.queue, name="queue"),
    path("queue-columns/", queue.queue_columns, name="queue_columns"),
    path("bulk/", agent.bulk, name="bulk"),
    path("tickets/new/", agent.open_for_customer, name="open"),
    path("verify-caller/", agent.verify_caller, name="verify_caller"),
    path("tags/", tags.tag_suggestions, name="tag_suggestions"),
]
