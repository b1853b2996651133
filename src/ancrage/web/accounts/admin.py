from django.contrib import admin

from ancrage.web.accounts.models import (
    ApiToken,
    Invitation,
    Membership,
    Organisation,
    OrganisationBuyer,
)


class BuyerInline(admin.TabularInline):
    model = OrganisationBuyer
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "kind",
        "territory_kind",
        "created_at",
    )
    search_fields = (
        "name",
        "buyers__siret",
    )
    inlines = (
        BuyerInline,
        MembershipInline,
    )


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = (
        "email",
        "organisation",
        "role",
        "created_at",
        "accepted_at",
        "revoked_at",
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "prefix",
        "organisation",
        "created_at",
        "revoked_at",
    )
    readonly_fields = (
        "digest",
        "prefix",
    )
