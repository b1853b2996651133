from django.urls import path

from ancrage.web.observatory import indicator_views, territories, views

urlpatterns = [
    path("", views.home, name="home"),
    path("acheteurs/", views.buyer_list, name="buyer_list"),
    path("acheteurs/<str:siret>/", views.buyer_detail, name="buyer_detail"),
    path("fournisseurs/<str:supplier_id>/", views.supplier_detail, name="supplier_detail"),
    path(
        "acheteurs/<str:siret>/indicateurs/<str:table>/",
        indicator_views.buyer_export,
        name="buyer_indicator_export",
    ),
    path("indicateurs/", indicator_views.catalogue, name="indicator_catalogue"),
    path(
        "indicateurs/<str:indicator_id>/", indicator_views.definition, name="indicator_definition"
    ),
    path("territoires/", territories.territory_index, name="territory_index"),
    path(
        "territoires/<str:kind>/<str:code>/", territories.territory_detail, name="territory_detail"
    ),
]
