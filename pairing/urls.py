"""Pages of the pairing app. Each views module owns its urlpatterns; this file only joins them."""

app_name = "pairing"

urlpatterns = []
