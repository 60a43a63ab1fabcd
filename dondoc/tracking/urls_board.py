from django.urls import path  # noqa: F401 - the overdue board, urging letters, bulk updates and calendars land here

urlpatterns: list = []
