app_name = "timeline"
urlpatterns: list = []  # filled by the timeline app
