app_name = "leitlinien"

urlpatterns: list = []
