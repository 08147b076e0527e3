from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm

from accounts.models import Organization, User


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "alias", "support_tier", "reply_policy", "is_active"]
    list_filter = ["support_tier", "reply_policy", "is_active"]
    search_fields = ["name", "alias"]


class UserCreateForm(UserCreationForm):
    class Meta:
        model = User
        fields = ["email", "full_name", "organization", "role"]


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserEditForm
    add_form = UserCreateForm
    ordering = ["email"]
    list_display = ["email", "full_name", "organization", "role", "is_active"]
    list_filter = ["role", "is_active", "organization"]
    list_select_related = ["organization"]
    search_fields = ["email", "full_name", "organization__alias"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["full_name", "organization", "role", "is_active"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "organization", "role", "password1", "password2"],
            },
        )
    ]
    filter_horizontal: list[str] = []
