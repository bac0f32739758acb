app_name = "dehyaris"
urlpatterns = []
