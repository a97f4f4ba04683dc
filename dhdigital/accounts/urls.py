from django.urls import path

from . import privacy_views, views

app_name = "accounts"
urlpatterns = [path("profile/", views.profile, name="profile")]
urlpatterns += [
    path("your-data/download/", privacy_views.data_export, name="data-export"),
    path("delete/", privacy_views.data_erase, name="data-erase"),
    path("deleted/", privacy_views.data_erased, name="data-erased"),
]
