from django.urls import path

from tickets.api import views

# The ticket endpoints of the API. ``helpdesk/urls.py`` mounts them under
# /api/v1/ in the ``api`` namespace, beside the project's "who you are".
urlpatterns = [
    path("categories/", views.CategoryListView.as_view(), name="categories"),
    path("macros/", views.MacroListView.as_view(), name="macros"),
    path("macros/<int:macro_id>/", views.MacroDetailView.as_view(), name="macro"),
    path("views/", views.SavedViewListView.as_view(), name="views"),
    path("views/<int:view_id>/", views.SavedViewDetailView.as_view(), name="view"),
    path("sla/attainment/", views.AttainmentView.as_view(), name="sla-attainment"),
    path("tickets/", views.TicketListView.as_view(), name="tickets"),
    path("tickets/<int:number>/", views.TicketDetailView.as_view(), name="ticket"),
    path("tickets/<int:number>/messages/", views.MessageListView.as_view(), name="messages"),
    path("tickets/<int:number>/followers/", views.FollowerListView.as_view(), name="followers"),
    path(
        "tickets/<int:number>/followers/<int:user_id>/",
        views.FollowerDetailView.as_view(),
        name="follower",
    ),
    path("tickets/<int:number>/close/", views.CloseView.as_view(), name="close"),
    path("tickets/<int:number>/reopen/", views.ReopenView.as_view(), name="reopen"),
    path("tickets/<int:number>/take/", views.TakeView.as_view(), name="take"),
    path("tickets/<int:number>/assign/", views.AssignView.as_view(), name="assign"),
    path("tickets/<int:number>/wait/", views.WaitView.as_view(), name="wait"),
    path("tickets/<int:number>/solve/", views.SolveView.as_view(), name="solve"),
    path("tickets/<int:number>/merge/", views.MergeView.as_view(), name="merge"),
    path(
        "tickets/<int:number>/macros/<int:macro_id>/apply/",
        views.MacroApplyView.as_view(),
        name="apply-macro",
    ),
    path(
        "attachments/<int:pk>/download/",
        views.AttachmentDownloadView.as_view(),
        name="attachment-download",
    ),
]
