"""The home page and the site's one search box, outside any namespace (dhdigital/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.site_search, name="search"),
]
