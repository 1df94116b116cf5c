from django.urls import path

from asylon.web.evidence import views

app_name = "evidence"
urlpatterns = [
    path("", views.place_page, name="place"),
    path("case/<int:pk>/", views.case_page, name="case"),
]
