from django.contrib import admin

from ancrage.web.consultations.models import Consultation


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ("object", "organisation", "cpv", "estimated_amount_ht", "launch_date")
    list_filter = ("organisation", "procedure", "buyer_kind")
    search_fields = ("object", "cpv")
    readonly_fields = ("created_at", "updated_at", "created_by", "updated_by")
