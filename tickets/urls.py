from django.urls import path

from tickets import views

app_name = "tickets"

urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("archive/", views.ticket_archive, name="archive"),
    path("new/", views.ticket_create, name="create"),
    path("<int:number>/", views.ticket_detail, name="detail"),
    path("<int:number>/reply/", views.ticket_reply, name="reply"),
    path("<int:number>/close/", views.ticket_close, name="close"),
    path("<int:number>/reopen/", views.ticket_reopen, name="reopen"),
    path("<int:number>/reference/", views.ticket_reference, name="reference"),
]
