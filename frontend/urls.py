from django.contrib.auth.views import LoginView, LogoutView
from django.urls import path
from django.views.i18n import JavaScriptCatalog

from frontend import views

urlpatterns = [
    path("", views.home, name="home"),
    path("desk/", views.desk, name="desk"),
    path("library/<slug:pole_slug>/", views.library, name="library"),
    path("login/", LoginView.as_view(template_name="frontend/login.html", next_page="desk",
                                     redirect_authenticated_user=True), name="login"),
    path("logout/", LogoutView.as_view(next_page="home"), name="logout"),
    path("jsi18n/", JavaScriptCatalog.as_view(packages=["frontend"]), name="javascript-catalog"),
]
