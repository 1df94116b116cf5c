urlpatterns: list = []  # filled by the API app (django-ninja)
