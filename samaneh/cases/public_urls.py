app_name = "track"
urlpatterns = []
