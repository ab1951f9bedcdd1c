app_name = "standorte"

urlpatterns: list = []
