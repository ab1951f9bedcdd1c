app_name = "beteiligung"

urlpatterns: list = []
