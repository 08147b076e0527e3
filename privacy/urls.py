from django.urls import path

from privacy import views

urlpatterns = [
    path("organisation/users/<int:pk>/erase/", views.erase, name="user_erase"),
]
