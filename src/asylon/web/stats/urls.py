from django.urls import path

from asylon.web.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.index, name="index"),
    path("asylum-practice/", views.practice_page, name="practice"),
    path("caseload/", views.caseload_page, name="caseload"),
    path("deaths/", views.deaths_page, name="deaths"),
]
