"""Screening pages, mounted under /<lang>/screening/."""

from django.urls import path

from asylon.web.screening import views

app_name = "screening"
urlpatterns = [
    path("cases/<int:pk>/", views.case_screening, name="case"),
    path("cases/<int:pk>/screen/", views.screen, name="screen"),
    path("review/", views.review_queue, name="queue"),
    path("review/screen-all/", views.screen_all, name="screen_all"),
    path("hits/<int:hit_id>/judgement/", views.judge, name="judge"),
]
