from django.urls import include, path

urlpatterns = [path("delivery/", include("tocsin.delivery.urls"))]
