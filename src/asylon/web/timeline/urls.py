from django.urls import path

from asylon.web.timeline import views

app_name = "timeline"
urlpatterns = [
    path("case/<int:pk>/", views.case_timeline, name="case"),
    path("case/<int:pk>/events/<int:event_id>/delete/", views.delete_view, name="delete"),
    path("ical/<str:token>.ics", views.ical_feed, name="ical"),
]
