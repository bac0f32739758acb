app_name = "complaints_dashboard"
urlpatterns = []
