"""Administrators issue and revoke the other systems' API tokens in Django's admin (or
with `manage.py api_token`). The key is shown once, on the page after issuing; only its
hash is kept. Webhook subscriptions and deliveries are shown read-only."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.models.api import ApiScope, ApiToken, WebhookDelivery, WebhookSubscription
from core.services.api_tokens import api_token_issue, api_token_revoke


class IssueTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"), choices=ApiScope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiToken
        fields = ["name", "user", "jurisdiction", "scopes"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "jurisdiction", "scope_list", "created", "state"]
    list_filter = ["jurisdiction", "revoked_at"]
    search_fields = ["name", "prefix", "user__username"]
    actions = ["revoke"]
    readonly_fields = [
        "name",
        "prefix",
        "user",
        "jurisdiction",
        "scopes",
        "created",
        "created_by",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = IssueTokenForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else IssueTokenForm.Meta.fields

    @admin.display(description=_("scopes"))
    def scope_list(self, token):
        return ", ".join(token.scopes)

    @admin.display(description=_("state"))
    def state(self, token):
        return _("revoked") if token.revoked_at else _("active")

    def save_model(self, request, obj, form, change):
        if change:
            raise PermissionDenied
        try:
            token, raw = api_token_issue(
                actor=request.user,
                name=form.cleaned_data["name"],
                user=form.cleaned_data["user"],
                jurisdiction=form.cleaned_data["jurisdiction"],
                scopes=form.cleaned_data["scopes"],
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            return
        obj.pk = token.pk
        messages.warning(
            request,
            format_html(
                "{} <code>{}</code>",
                _("Copy the key now; it is not shown again:"),
                raw,
            ),
        )

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        done = 0
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(actor=request.user, token=token)
            done += 1
        messages.success(request, _("%(n)s token(s) revoked.") % {"n": done})


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["url", "token", "jurisdiction", "events", "active", "created"]
    list_filter = ["active", "jurisdiction"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["event", "subscription", "status", "attempts", "last_error", "created"]
    list_filter = ["status", "event"]
