from django.urls import path

from tickets.attachments import views as attachments
from tickets.views import agent, followers, merging, portal, presence, satisfaction, tags

app_name = "tickets"

urlpatterns = [
    path("", portal.ticket_list, name="list"),
    path("archive/", portal.ticket_archive, name="archive"),
    path("export.csv", portal.ticket_export, name="export"),
    path("new/", portal.ticket_create, name="create"),
    path("<int:number>/", portal.ticket_detail, name="detail"),
    path("<int:number>/reply/", portal.ticket_reply, name="reply"),
    path("<int:number>/messages/<int:message_id>/", portal.message_link, name="message"),
    path("<int:number>/close/", portal.ticket_close, name="close"),
    path("<int:number>/reopen/", portal.ticket_reopen, name="reopen"),
    path("<int:number>/reference/", portal.ticket_reference, name="reference"),
    path("<int:number>/followers/", followers.ticket_followers, name="followers"),
    path("<int:number>/rating/", satisfaction.ticket_rating, name="rating"),
    # The emailed Good / Bad links (issue 19): the signed token is the credential.
    path("rate/<str:token>/", satisfaction.rate_by_link, name="rate"),
    path("attachments/<int:pk>/download/", attachments.download, name="attachment_download"),
    path("attachments/<int:pk>/preview/", attachments.preview, name="attachment_preview"),
    # Support's actions on a ticket (404 for customers).
    path("<int:number>/respond/", agent.agent_reply, name="respond"),
    path("<int:number>/take/", agent.take, name="take"),
    path("<int:number>/assign/", agent.assign, name="assign"),
    path("<int:number>/priority/", agent.priority, name="priority"),
    path("<int:number>/category/", agent.category, name="category"),
    path("<int:number>/properties/", agent.properties, name="properties"),
    path("<int:number>/status/", agent.change_status, name="status"),
    path("<int:number>/tags/", tags.ticket_tags, name="tags"),
    path("<int:number>/merge/", merging.ticket_merge, name="merge"),
    path("<int:number>/presence/", presence.ticket_presence, name="presence"),
]
