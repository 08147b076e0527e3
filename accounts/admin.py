from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import members
from accounts.models import ApiToken, Organization, PinChange, PinCheck, SupportContact, User
from accounts.pins import is_locked_out, pin_lockout_clear, pin_reset
from inbound.models import SupportAddress


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "alias", "support_tier", "service_plan", "reply_policy", "is_active")
    list_filter = (
        "support_tier",
        "service_plan",
        "reply_policy",
        "satisfaction_enabled",
        "is_active",
    )
    search_fields = ("name", "alias")
    readonly_fields = ("export_link",)

    @admin.display(description=gettext_lazy("Data export"))
    def export_link(self, organization):
        if organization.pk is None:
            return "-"
        return format_html(
            '<a href="{}?scope=organization&amp;organization={}">{}</a>',
            reverse("exports"),
            organization.pk,
            _("Export this organisation's data…"),
        )


class UserCreateForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "organization", "role")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserEditForm
    add_form = UserCreateForm
    ordering = ("email",)
    list_display = ("email", "full_name", "organization", "role", "is_active")
    list_filter = ("role", "is_active", "organization")
    list_select_related = ("organization",)
    search_fields = ("email", "full_name", "organization__alias")
    fieldsets = (
        (None, {"fields": ["email", "password"]}),
        (gettext_lazy("Person"), {"fields": ["full_name", "organization", "role", "is_active"]}),
        (gettext_lazy("Support PIN"), {"fields": ["support_pin_set_at", "pin_locked"]}),
        (gettext_lazy("Dates"), {"fields": ["last_login", "date_joined"]}),
        (gettext_lazy("Personal data"), {"fields": ["erase_link"]}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "organization", "role", "password1", "password2"],
            },
        ),
    )
    filter_horizontal = ()
    readonly_fields = ("support_pin_set_at", "pin_locked", "erase_link")
    actions = ("reset_pin", "clear_pin_lockout")

    def save_model(self, request, obj, form, change):
        # Deactivating or moving someone ends what they may no longer reach
        # (their follows of other organisations' tickets), through the one door.
        if change and members.ACCESS_FIELDS & set(form.changed_data):
            members.user_save_access(user=obj, fields=None)
        else:
            super().save_model(request, obj, form, change)

    @admin.display(description=gettext_lazy("Erase"))
    def erase_link(self, user):
        if user.pk is None or user.is_superuser:
            return "-"
        if user.is_erased:
            return _("Erased")
        return format_html(
            '<a class="deletelink" href="{}">{}</a>',
            reverse("user_erase", args=[user.pk]),
            _("Erase this user's personal data…"),
        )

    @admin.display(description=gettext_lazy("PIN verification locked"), boolean=True)
    def pin_locked(self, user):
        return is_locked_out(user)

    @admin.action(
        description=gettext_lazy(
            "Reset the support PIN (the user is asked by email to set a new one)"
        )
    )
    def reset_pin(self, request, queryset):
        for user in queryset.filter(role__in=User.CUSTOMER_ROLES):
            pin_reset(user=user, actor=request.user)
        self.message_user(request, _("PINs reset; the users were emailed."), messages.SUCCESS)

    @admin.action(description=gettext_lazy("Clear the PIN verification lockout"))
    def clear_pin_lockout(self, request, queryset):
        for user in queryset:
            pin_lockout_clear(user=user)
        self.message_user(request, _("Lockouts cleared."), messages.SUCCESS)


@admin.register(PinCheck)
class PinCheckAdmin(admin.ModelAdmin):
    """Every try at verifying a caller: who checked, whom, when, and the result."""

    list_display = ("created_at", "agent", "alias", "email", "user", "verified", "locked_out")
    list_filter = ("verified", "locked_out")
    search_fields = ("email", "alias", "agent__email")
    list_select_related = ("agent", "user")
    readonly_fields = tuple(field.name for field in PinCheck._meta.fields)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PinChange)
class PinChangeAdmin(admin.ModelAdmin):
    """Every PIN set, changed or reset, and by whom."""

    list_display = ("created_at", "user", "kind", "actor")
    list_filter = ("kind",)
    search_fields = ("user__email",)
    list_select_related = ("user", "actor")
    readonly_fields = tuple(field.name for field in PinChange._meta.fields)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SupportContactForm(forms.ModelForm):
    class Meta:
        model = SupportContact
        fields = (
            "kind",
            "topic",
            "label",
            "value",
            "minimum_tier",
            "service_plan",
            "notes",
            "order",
        )

    def clean(self) -> dict[str, Any]:
        """A support email is shown only while the email channel routes it: say so now."""
        super().clean()
        data = self.cleaned_data
        kind, topic = data.get("kind"), data.get("topic")
        email = (data.get("value") or "").strip().lower()
        routed = SupportAddress.objects.filter(email=email, is_active=True).exists
        if (
            kind == SupportContact.Kind.EMAIL
            and topic == SupportContact.Topic.SUPPORT
            and email
            and not routed()
        ):
            self.add_error(
                "value",
                _(
                    "%(email)s is not an active support address, so customers would not see "
                    "it. Add it under Email channel › Support addresses first."
                )
                % {"email": email},
            )
        return data


@admin.register(SupportContact)
class SupportContactAdmin(admin.ModelAdmin):
    """Ways to reach the provider: Get support shows those of the viewer's tier and plan;
    Sales and Billing ones are also shortcuts on the ticket list."""

    form = SupportContactForm
    list_display = ("kind", "topic", "label", "value", "minimum_tier", "service_plan", "order")
    list_editable = ("order",)
    list_filter = ("kind", "topic", "minimum_tier", "service_plan")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Personal API tokens: support admins see and revoke them (delete); keys are never shown."""

    list_display = (
        "name",
        "user",
        "organization",
        "prefix",
        "scope",
        "expires_at",
        "last_used_at",
        "last_used_ip",
    )
    list_filter = ("scope",)
    search_fields = ("name", "user__email", "prefix", "user__organization__alias")
    list_select_related = ("user__organization",)
    readonly_fields = (
        "user",
        "name",
        "prefix",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "last_used_ip",
    )
    exclude = ("key_hash",)

    @admin.display(ordering="user__organization__alias")
    def organization(self, token: ApiToken):
        return token.user.organization

    def has_add_permission(self, request) -> bool:
        return False  # a key is shown once, to its owner: on the profile page or by command
