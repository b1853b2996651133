from django.urls import path

from ancrage.web.observatory import views

urlpatterns = [
    path("", views.home, name="home"),
    path("acheteurs/", views.buyer_list, name="buyer_list"),
    path("acheteurs/<str:siret>/", views.buyer_detail, name="buyer_detail"),
    path("fournisseurs/<str:supplier_id>/", views.supplier_detail, name="supplier_detail"),
]
